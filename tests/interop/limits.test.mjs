// The emulator's limits as the official SDKs meet them: ably-js gets the service's rate-limit error on a publish over the
// connection's rate and stays connected; ably-js over the per-IP connection limit backs off and connects once a slot is
// free; the Firebase web SDK cut off by the idle timeout reconnects, and its onDisconnect write ran.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as Ably from 'ably';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectDatabaseEmulator, getDatabase, onDisconnect, onValue, ref, set } from 'firebase/database';
import { FULL_KEY, startEmulator, startFirebaseEmulator, within } from './emulator.mjs';

const WAIT = 10000;

function ablyClient(emulator, clients, extra = {}) {
  const client = new Ably.Realtime({
    key: FULL_KEY, endpoint: '127.0.0.1', port: emulator.port, tls: false, transports: ['web_socket'], logLevel: 0, ...extra,
  });
  clients.push(client);
  return client;
}

async function stopAll(emulator, clients) {
  for (const client of clients) {
    try { client.close(); } catch { /* already closed */ }
  }
  assert.equal(await emulator?.stop(), 0, 'the emulator exits with 0 on SIGTERM');
}

describe('ably-js over the per-connection message rate (2/s)', () => {
  let emulator;
  const clients = [];
  before(async () => { emulator = await startEmulator(['--ably-max-rate-per-connection', '2']); });
  after(() => stopAll(emulator, clients));

  for (const useBinaryProtocol of [false, true]) {
    test(`a publish over the rate is rejected with 42911, the connection stays (${useBinaryProtocol ? 'msgpack' : 'json'})`, async () => {
      const fast = ablyClient(emulator, clients, { useBinaryProtocol });
      const other = ablyClient(emulator, clients, { useBinaryProtocol });
      await within(Promise.all([fast.connection.whenState('connected'), other.connection.whenState('connected')]), WAIT, 'connected');
      const channel = fast.channels.get(`rate-${useBinaryProtocol}`);

      await within(channel.publish([{ name: 'a', data: 'one' }, { name: 'b', data: 'two' }]), WAIT, 'the first publish');
      const refused = await within(channel.publish('c', 'three').then(() => null, (error) => error), WAIT, 'the refusal');

      assert.ok(refused, 'the publish over the rate is rejected');
      assert.equal(refused.code, 42911);
      assert.equal(refused.statusCode, 429);
      assert.equal(fast.connection.state, 'connected');
      await within(other.channels.get(`rate-${useBinaryProtocol}`).publish('d', 'four'), WAIT, 'another connection publishing');
    });
  }
});

describe('ably-js over the per-IP connection limit (1)', () => {
  let emulator;
  const clients = [];
  before(async () => { emulator = await startEmulator(['--ably-max-connections-per-ip', '1']); });
  after(() => stopAll(emulator, clients));

  test('the second client is refused and retries, and connects once the first has closed', async () => {
    const first = ablyClient(emulator, clients);
    await within(first.connection.whenState('connected'), WAIT, 'the first connected');
    const second = ablyClient(emulator, clients, { disconnectedRetryTimeout: 200 });

    await within(second.connection.whenState('disconnected'), WAIT, 'the second refused');
    await within(first.channels.get('ip').publish('still', 'served'), WAIT, 'the first still served');
    first.close();
    await within(first.connection.whenState('closed'), WAIT, 'the first closed');

    await within(second.connection.whenState('connected'), WAIT, 'the second connected after a retry');
  });
});

describe('the Firebase web SDK over the idle timeout (1 s)', () => {
  let emulator;
  const apps = [];
  before(async () => { emulator = await startFirebaseEmulator(['--firebase-idle-timeout', '1']); });
  after(async () => {
    for (const app of apps) await deleteApp(app).catch(() => {});
    assert.equal(await emulator?.stop(), 0, 'the emulator exits with 0 on SIGTERM');
  });

  test('a silent connection is closed: its onDisconnect write runs and the SDK reconnects', async () => {
    const app = initializeApp({ projectId: 'demo-interop', databaseURL: `https://limits-${process.pid}.firebaseio.com` }, 'limits-idle');
    apps.push(app);
    const db = getDatabase(app);
    connectDatabaseEmulator(db, '127.0.0.1', emulator.port);
    const states = [];
    let sawReconnect;
    const reconnected = new Promise((resolve) => { sawReconnect = resolve; });
    const stopWatching = onValue(ref(db, '.info/connected'), (snapshot) => {
      states.push(snapshot.val());
      if (states.join(',').includes('true,false,true')) sawReconnect();
    });
    await onDisconnect(ref(db, 'presence/me')).set('gone');
    await set(ref(db, 'presence/me'), 'here');

    try {
      await within(reconnected, WAIT, 'a close and a reconnect');
    } finally {
      stopWatching();
    }

    let unsubscribe;
    const gone = new Promise((resolve) => {
      unsubscribe = onValue(ref(db, 'presence/me'), (snapshot) => { if (snapshot.val() === 'gone') resolve(); });
    });
    await within(gone, WAIT, 'the onDisconnect write').finally(() => unsubscribe());
  });
});
