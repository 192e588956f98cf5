// The official ably-js SDK against the emulator, over JSON and msgpack.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as Ably from 'ably';
import { FULL_KEY, LIMITED_KEY, startEmulator, within } from './emulator.mjs';

const WAIT = 10000;
let emulator;
let counter = 0;
const clients = [];

before(async () => { emulator = await startEmulator(); });
after(async () => {
  for (const client of clients) {
    try { client.close(); } catch { /* already closed */ }
  }
  const code = await emulator?.stop();
  assert.equal(code, 0, 'the emulator exits with 0 on SIGTERM');
});

function unique(prefix) { counter += 1; return `${prefix}-${process.pid}-${counter}`; }

for (const useBinaryProtocol of [false, true]) {
  const format = useBinaryProtocol ? 'msgpack' : 'json';

  const options = (extra = {}) => ({
    key: FULL_KEY,
    endpoint: '127.0.0.1',
    port: emulator.port,
    tls: false,
    useBinaryProtocol,
    transports: ['web_socket'],
    logLevel: 0,
    ...extra,
  });

  async function realtime(extra) {
    const client = new Ably.Realtime(options(extra));
    clients.push(client);
    await within(client.connection.whenState('connected'), WAIT, 'connected');
    return client;
  }

  /** Resolves with the first `count` messages the listener sees. */
  function collect(channel, count, name) {
    const seen = [];
    let resolve;
    const done = new Promise((r) => { resolve = r; });
    const listener = (message) => { seen.push(message); if (seen.length === count) resolve(seen); };
    const attached = name ? channel.subscribe(name, listener) : channel.subscribe(listener);
    return { seen, done: within(done, WAIT, `${count} message(s)`), attached };
  }

  describe(`ably-js over ${format}`, () => {
    test('connects with connection details', async () => {
      const client = await realtime({ clientId: 'alice' });
      assert.equal(client.connection.state, 'connected');
      assert.ok(client.connection.id);
      assert.ok(client.connection.key);
      assert.equal(client.auth.clientId, 'alice');
      client.close();
      await within(client.connection.whenState('closed'), WAIT, 'closed');
    });

    test('publishes and subscribes with event-name filters', async () => {
      const client = await realtime();
      const channel = client.channels.get(unique('pubsub'));
      const wanted = collect(channel, 2, 'wanted');
      const all = collect(channel, 3);
      await wanted.attached;
      await all.attached;
      await channel.publish('wanted', 'text');
      await channel.publish('other', { json: [1, 2] });
      await channel.publish('wanted', Buffer.from([1, 2, 3]));
      const got = await wanted.done;
      assert.deepEqual(got.map((m) => m.name), ['wanted', 'wanted']);
      assert.equal(got[0].data, 'text');
      assert.deepEqual([...got[1].data], [1, 2, 3]);
      const every = await all.done;
      assert.deepEqual(every[1].data, { json: [1, 2] });
      assert.equal(every[0].connectionId, client.connection.id);
    });

    test('echo off withholds own messages', async () => {
      const quiet = await realtime({ echoMessages: false });
      const other = await realtime();
      const name = unique('echo');
      const channel = quiet.channels.get(name);
      const received = collect(channel, 1);
      await received.attached;
      await channel.publish('mine', 'from quiet');
      await other.channels.get(name).publish('theirs', 'from other');
      const [first] = await received.done;
      assert.equal(first.name, 'theirs');
    });

    test('history over REST and untilAttach', async () => {
      const rest = new Ably.Rest(options());
      const name = unique('history');
      const restChannel = rest.channels.get(name);
      for (let i = 0; i < 5; i++) await restChannel.publish('n', 'm' + i);
      const page = await restChannel.history({ limit: 2 });
      assert.deepEqual(page.items.map((m) => m.data), ['m4', 'm3']);
      assert.ok(page.hasNext());
      const next = await page.next();
      assert.deepEqual(next.items.map((m) => m.data), ['m2', 'm1']);
      const forwards = await restChannel.history({ direction: 'forwards', limit: 10 });
      assert.deepEqual(forwards.items.map((m) => m.data), ['m0', 'm1', 'm2', 'm3', 'm4']);

      const client = await realtime();
      const channel = client.channels.get(name);
      await channel.attach();
      await channel.publish('n', 'after attach');
      const untilAttach = await channel.history({ untilAttach: true });
      assert.deepEqual(untilAttach.items.map((m) => m.data), ['m4', 'm3', 'm2', 'm1', 'm0']);
    });

    test('presence enter, get, subscribe and leave', async () => {
      const name = unique('presence');
      const watcher = await realtime({ clientId: 'watcher' });
      const watched = watcher.channels.get(name);
      const events = [];
      let notify;
      const arrived = (count) => within(new Promise((r) => { notify = () => events.length >= count && r(); notify(); }), WAIT, `${count} presence events`);
      await watched.presence.subscribe((m) => { events.push(m); notify?.(); });

      const member = await realtime({ clientId: 'bob' });
      const channel = member.channels.get(name);
      await channel.presence.enter({ mood: 'happy' });
      await arrived(1);
      assert.equal(events[0].action, 'enter');
      assert.equal(events[0].clientId, 'bob');
      assert.deepEqual(events[0].data, { mood: 'happy' });

      const members = await watched.presence.get();
      assert.deepEqual(members.map((m) => m.clientId), ['bob']);

      // A late joiner gets the member set through SYNC.
      const late = await realtime({ clientId: 'late' });
      const lateMembers = await late.channels.get(name).presence.get();
      assert.deepEqual(lateMembers.map((m) => m.clientId), ['bob']);

      await channel.presence.update('busy');
      await channel.presence.leave();
      await arrived(3);
      assert.deepEqual(events.slice(0, 3).map((m) => m.action), ['enter', 'update', 'leave']);
      assert.deepEqual(await watched.presence.get(), []);

      const rest = new Ably.Rest(options());
      await channel.presence.enter('again');
      const restMembers = await rest.channels.get(name).presence.get();
      assert.deepEqual(restMembers.items.map((m) => m.clientId), ['bob']);
      const presenceHistory = await rest.channels.get(name).presence.history({ direction: 'forwards' });
      assert.deepEqual(presenceHistory.items.map((m) => m.action), ['enter', 'update', 'leave', 'enter']);
      const status = await rest.channels.get(name).status();
      assert.equal(status.channelId, name);
      assert.equal(status.status.occupancy.metrics.presenceMembers, 1);
    });

    test('token auth through authCallback and createTokenRequest', async () => {
      const keyHolder = new Ably.Rest(options());
      let calls = 0;
      const client = await realtime({
        key: undefined,
        authCallback: (params, callback) => {
          calls += 1;
          keyHolder.auth.createTokenRequest({ clientId: 'token-user' }).then((request) => callback(null, request), (error) => callback(error, null));
        },
      });
      assert.ok(calls >= 1);
      assert.equal(client.auth.clientId, 'token-user');
      const channel = client.channels.get(unique('token'));
      const received = collect(channel, 1);
      await received.attached;
      await channel.publish('hello', 'with a token');
      const [message] = await received.done;
      assert.equal(message.clientId, 'token-user');
    });

    test('renews a short-lived token when the server asks (AUTH) without dropping the connection', async () => {
      const keyHolder = new Ably.Rest(options());
      let calls = 0;
      const client = await realtime({
        key: undefined,
        authCallback: (params, callback) => {
          calls += 1;
          keyHolder.auth.createTokenRequest({ clientId: 'short', ttl: 2000 }).then((request) => callback(null, request), (error) => callback(error, null));
        },
      });
      const id = client.connection.id;
      await within(client.connection.once('update'), WAIT, 'the connection update after re-auth');
      assert.ok(calls >= 2);
      assert.equal(client.connection.state, 'connected');
      assert.equal(client.connection.id, id);
      const channel = client.channels.get(unique('renewed'));
      const received = collect(channel, 1);
      await received.attached;
      await channel.publish('after', 'renewal');
      assert.equal((await received.done)[0].name, 'after');
    });

    test('relays encrypted payloads untouched (cipher channels)', async () => {
      const key = await Ably.Realtime.Crypto.generateRandomKey();
      const name = unique('cipher');
      const sender = await realtime();
      const receiver = await realtime();
      const inbound = receiver.channels.get(name, { cipher: { key } });
      const received = collect(inbound, 2);
      await received.attached;
      const outbound = sender.channels.get(name, { cipher: { key } });
      await outbound.publish('secret', 'plain text');
      await outbound.publish('secret', { nested: true });
      const got = await received.done;
      assert.equal(got[0].data, 'plain text');
      assert.deepEqual(got[1].data, { nested: true });
      const history = await new Ably.Rest(options()).channels.get(name, { cipher: { key } }).history({ direction: 'forwards' });
      assert.deepEqual(history.items.map((m) => m.data), ['plain text', { nested: true }]);
    });

    test('capability denial', async () => {
      const client = await realtime({ key: LIMITED_KEY });
      await assert.rejects(client.channels.get('forbidden').attach(), (error) => error.code === 40160);
      const readonly = client.channels.get('readonly');
      await readonly.attach();
      await assert.rejects(readonly.publish('x', 'y'), (error) => error.code === 40160);
      const allowed = client.channels.get(unique('allowed:chat'));
      await allowed.publish('x', 'fine');
      const rest = new Ably.Rest(options({ key: LIMITED_KEY }));
      await assert.rejects(rest.channels.get('forbidden').publish('x', 'y'), (error) => error.code === 40160);
    });

    test('resumes after a dropped transport without losing messages', async () => {
      const name = unique('resume');
      const client = await realtime({ disconnectedRetryTimeout: 500 });
      const channel = client.channels.get(name);
      const received = collect(channel, 6);
      await received.attached;
      const publisher = new Ably.Rest(options()).channels.get(name);
      await publisher.publish('n', 'm0');
      await within(new Promise((r) => { const check = () => (received.seen.length >= 1 ? r() : setImmediate(check)); check(); }), WAIT, 'the first message');
      const id = client.connection.id;
      const disconnected = within(client.connection.whenState('disconnected'), WAIT, 'disconnected');
      client.connection.connectionManager.disconnectAllTransports();
      await disconnected;
      for (let i = 1; i < 6; i++) await publisher.publish('n', 'm' + i);
      await within(client.connection.whenState('connected'), WAIT, 'reconnected');
      assert.equal(client.connection.id, id, 'the connection was resumed');
      const got = await received.done;
      assert.deepEqual(got.map((m) => m.data), ['m0', 'm1', 'm2', 'm3', 'm4', 'm5']);
    });

    test('rewind delivers retained messages on attach', async () => {
      const name = unique('rewind');
      const publisher = new Ably.Rest(options()).channels.get(name);
      for (let i = 0; i < 4; i++) await publisher.publish('n', 'm' + i);
      const client = await realtime();
      const channel = client.channels.get(name, { params: { rewind: '2' } });
      const received = collect(channel, 2);
      await received.attached;
      const got = await received.done;
      assert.deepEqual(got.map((m) => m.data), ['m2', 'm3']);
    });
  });
}
