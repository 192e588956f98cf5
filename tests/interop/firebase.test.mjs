// The official Firebase JavaScript SDKs (firebase 12.19.0 for the web, firebase-admin 13.10.0), unmodified, against the
// emulator's realtime WebSocket protocol. Each test works in its own namespace (database), so rules and data do not mix.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectDatabaseEmulator, endBefore, get, getDatabase, goOffline, goOnline, increment, limitToFirst, limitToLast,
  onChildAdded, onChildChanged, onChildMoved, onChildRemoved, onDisconnect, onValue, orderByChild, orderByKey, push,
  query, ref, remove, runTransaction, serverTimestamp, set, setWithPriority, startAfter, update,
} from 'firebase/database';
import { initializeApp as initializeAdminApp, deleteApp as deleteAdminApp } from 'firebase-admin/app';
import { getDatabase as getAdminDatabase } from 'firebase-admin/database';
import { startFirebaseEmulator, within } from './emulator.mjs';

const WAIT = 10000;
let emulator;
let counter = 0;
const apps = [];
const adminApps = [];

before(async () => { emulator = await startFirebaseEmulator(); });
after(async () => {
  for (const app of apps) await deleteApp(app).catch(() => {});
  for (const app of adminApps) await deleteAdminApp(app).catch(() => {});
  const code = await emulator?.stop();
  assert.equal(code, 0, 'the emulator exits with 0 on SIGTERM');
});

function namespace() { counter += 1; return `interop-${process.pid}-${counter}`; }

/** A web SDK client of namespace `ns`, connected with connectDatabaseEmulator (optionally as a mock user). */
function client(ns, options = {}) {
  counter += 1;
  const app = initializeApp({ projectId: 'demo-interop', databaseURL: `https://${ns}.firebaseio.com` }, `web-${counter}`);
  apps.push(app);
  const db = getDatabase(app);
  connectDatabaseEmulator(db, '127.0.0.1', emulator.port, options);
  return db;
}

/** A firebase-admin client of namespace `ns`: a non-secure database URL makes it talk to an emulator as `owner`. */
function admin(ns) {
  counter += 1;
  const app = initializeAdminApp({ projectId: 'demo-interop', databaseURL: `http://127.0.0.1:${emulator.port}?ns=${ns}` }, `admin-${counter}`);
  adminApps.push(app);
  return getAdminDatabase(app);
}

async function rest(method, ns, path, body, headers = {}) {
  const response = await fetch(`http://127.0.0.1:${emulator.port}${path}.json?ns=${ns}`, {
    method, headers: { 'Content-Type': 'application/json', ...headers }, body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json().catch(() => null) };
}

async function setRules(ns, rules) {
  const { status } = await rest('PUT', ns, '/.settings/rules', { rules }, { Authorization: 'Bearer owner' });
  assert.equal(status, 200);
}

/** Resolves with the first snapshot value at `target` that satisfies `predicate`. */
function valueWhere(target, predicate, what) {
  let unsubscribe;
  const found = new Promise((resolve, reject) => {
    unsubscribe = onValue(target, (snapshot) => { if (predicate(snapshot.val())) resolve(snapshot.val()); }, reject);
  });
  return within(found, WAIT, what).finally(() => unsubscribe());
}

describe('firebase web SDK and firebase-admin against the emulator', () => {
  test('values: set, get, onValue, remove, priorities', async () => {
    const ns = namespace();
    const db = client(ns);
    const other = client(ns);
    const seen = valueWhere(ref(other, 'greeting'), (v) => v?.text === 'hello', 'the other client to see the value');

    await within(set(ref(db, 'greeting'), { text: 'hello', list: [1, 2, 3], nested: { deep: { er: true } } }), WAIT, 'set');

    assert.deepEqual(await seen, { text: 'hello', list: [1, 2, 3], nested: { deep: { er: true } } });
    assert.deepEqual((await get(ref(other, 'greeting/list'))).val(), [1, 2, 3]);
    await setWithPriority(ref(db, 'ranked'), 'x', 5);
    assert.equal((await get(ref(other, 'ranked'))).exportVal()['.priority'], 5);
    await remove(ref(db, 'greeting'));
    assert.equal((await get(ref(other, 'greeting'))).exists(), false);
  });

  test('child events over an ordered, limited query follow the window exactly', async () => {
    const ns = namespace();
    const writer = client(ns);
    const reader = client(ns);
    await set(ref(writer, 'scores'), { a: { s: 30 }, b: { s: 10 }, c: { s: 20 } });
    const events = [];
    const top2 = query(ref(reader, 'scores'), orderByChild('s'), limitToFirst(2));
    const record = (kind) => (snapshot, previous) => events.push(`${kind} ${snapshot.key} ${snapshot.val().s} after ${previous ?? '-'}`);
    const subscriptions = [
      onChildAdded(top2, record('added')), onChildChanged(top2, record('changed')),
      onChildMoved(top2, record('moved')), onChildRemoved(top2, (s) => events.push(`removed ${s.key}`)),
    ];
    const window = (keys) => valueWhere(top2, (v) => JSON.stringify(Object.keys(v ?? {}).sort()) === JSON.stringify(keys), `window ${keys}`);
    await window(['b', 'c']);
    assert.deepEqual(events, ['added b 10 after -', 'added c 20 after b']);

    events.length = 0;
    await set(ref(writer, 'scores/d'), { s: 5 });
    await window(['b', 'd']);
    assert.deepEqual(events, ['removed c', 'added d 5 after -']);

    events.length = 0;
    await set(ref(writer, 'scores/d/s'), 15);
    // The window keeps its keys here, so wait for the new score itself, not only for the keys.
    await valueWhere(top2, (v) => v?.d?.s === 15 && JSON.stringify(Object.keys(v).sort()) === JSON.stringify(['b', 'd']), 'window [b, d] with d at 15');
    assert.deepEqual(events, ['moved d 15 after b', 'changed d 15 after b']);

    events.length = 0;
    await remove(ref(writer, 'scores/b'));
    await window(['c', 'd']);
    assert.deepEqual(events, ['removed b', 'added c 20 after d']);
    subscriptions.forEach((unsubscribe) => unsubscribe());

    const after15 = await get(query(ref(reader, 'scores'), orderByChild('s'), startAfter(15)));
    assert.deepEqual(Object.keys(after15.val()).sort(), ['a', 'c']);
    const beforeC = await get(query(ref(reader, 'scores'), orderByKey(), endBefore('c'), limitToLast(1)));
    assert.deepEqual(beforeC.val(), { a: { s: 30 } });
  });

  test('push ids: unique, chronological, seen in order by another client', async () => {
    const ns = namespace();
    const db = client(ns);
    const other = client(ns);
    const keys = [];
    for (let i = 0; i < 20; i += 1) keys.push(push(ref(db, 'log'), { i }).key);
    await valueWhere(ref(other, 'log'), (v) => v && Object.keys(v).length === 20, 'all 20 pushed children');
    const seen = [];
    await new Promise((resolve) => onChildAdded(ref(other, 'log'), (s) => { seen.push(s.key); if (seen.length === 20) resolve(); }));
    assert.equal(new Set(keys).size, 20);
    assert.deepEqual(seen, keys);
    assert.deepEqual([...keys].sort(), keys);
  });

  test('a multi-path update arrives as one change', async () => {
    const ns = namespace();
    const db = client(ns);
    const other = client(ns);
    await set(ref(db, 'root'), { users: { a: { name: 'A' } }, index: { a: true } });
    const values = [];
    const done = valueWhere(ref(other, 'root'), (v) => { values.push(v); return v?.users?.b?.name === 'B'; }, 'the update');

    await update(ref(db, 'root'), { 'users/b/name': 'B', 'index/b': true, 'users/a': null, 'index/a': null });

    await done;
    assert.deepEqual(values.at(-1), { users: { b: { name: 'B' } }, index: { b: true } });
    assert.ok(values.every((v) => !(v.users?.b && v.users?.a)), 'no intermediate state with both users');
  });

  test('concurrent transactions from two clients end at the exact count', async () => {
    const ns = namespace();
    const one = client(ns);
    const two = client(ns);
    const runs = (db) => Array.from({ length: 25 }, () => runTransaction(ref(db, 'counter'), (n) => (n ?? 0) + 1));

    const results = await within(Promise.all([...runs(one), ...runs(two)]), 30000, '50 transactions');

    assert.ok(results.every((r) => r.committed));
    assert.equal((await get(ref(one, 'counter'))).val(), 50);
    assert.equal((await get(ref(two, 'counter'))).val(), 50);
  });

  test('server values: timestamp and increment', async () => {
    const ns = namespace();
    const one = client(ns);
    const two = client(ns);
    const before = Date.now();
    await set(ref(one, 'stamp'), { at: serverTimestamp(), n: 1 });
    await Promise.all([update(ref(one, 'stamp'), { n: increment(2) }), update(ref(two, 'stamp'), { n: increment(3) })]);

    const value = (await get(ref(two, 'stamp'))).val();
    assert.equal(value.n, 6);
    assert.ok(value.at >= before - 1000 && value.at <= Date.now() + 1000, `timestamp ${value.at} near now`);
  });

  test('onDisconnect writes (and a cancelled one) as another client sees them', async () => {
    const ns = namespace();
    const leaving = client(ns);
    const watcher = client(ns);
    await set(ref(leaving, 'presence/alice'), true);
    await set(ref(leaving, 'presence/bob'), true);
    await onDisconnect(ref(leaving, 'presence/alice')).set(false);
    const bob = onDisconnect(ref(leaving, 'presence/bob'));
    await bob.remove();
    await bob.cancel();
    await onDisconnect(ref(leaving, 'lastSeen')).set(serverTimestamp());

    const gone = valueWhere(ref(watcher, 'presence'), (v) => v?.alice === false, 'alice offline');
    goOffline(leaving);

    assert.deepEqual(await gone, { alice: false, bob: true });
    assert.equal(typeof (await get(ref(watcher, 'lastSeen'))).val(), 'number');
  });

  test('.info/connected through goOffline and goOnline; offline writes are sent on reconnect', async () => {
    const ns = namespace();
    const db = client(ns);
    const other = client(ns);
    const states = [];
    let waiting = null;
    const stop = onValue(ref(db, '.info/connected'), (s) => {
      states.push(s.val());
      if (waiting?.state === s.val()) waiting.resolve();
    });
    const sawState = (state) => within(new Promise((resolve) => {
      if (states.at(-1) === state) resolve(); else waiting = { state, resolve };
    }), WAIT, `connected=${state}`);
    await set(ref(db, 'warmup'), 1);
    await sawState(true);

    goOffline(db);
    await sawState(false);
    const offlineWrite = set(ref(db, 'queued'), 'written while offline');
    assert.equal((await get(ref(other, 'queued'))).exists(), false, 'not sent while offline');

    goOnline(db);
    await sawState(true);
    await within(offlineWrite, WAIT, 'the queued write to be acknowledged');
    assert.equal((await get(ref(other, 'queued'))).val(), 'written while offline');
    stop();
    assert.deepEqual(states.filter((v, i) => i === 0 || v !== states[i - 1]).slice(-3), [true, false, true]);
  });

  test('rules with mock users: denied write, revoked listen; the Admin SDK bypasses rules', async () => {
    const ns = namespace();
    await setRules(ns, {
      users: { $uid: { '.read': 'auth != null && auth.uid === $uid', '.write': 'auth != null && auth.uid === $uid' } },
      board: { '.read': "root.child('open').val() === true", '.write': true },
    });
    const alice = client(ns, { mockUserToken: { sub: 'alice' } });
    const adminDb = admin(ns);

    await set(ref(alice, 'users/alice/name'), 'Alice');
    await assert.rejects(set(ref(alice, 'users/bob/name'), 'not Alice'), (e) => e.code === 'PERMISSION_DENIED' || /permission/i.test(e.message));
    await assert.rejects(get(ref(alice, 'users/bob')), /permission/i);

    await adminDb.ref('open').set(true);
    await adminDb.ref('users/bob/name').set('Bob, written by admin');
    const revoked = new Promise((resolve) => {
      onValue(ref(alice, 'board'), () => {}, (error) => resolve(error));
    });
    await valueWhere(ref(alice, 'board'), () => true, 'the board to be readable');
    await adminDb.ref('open').set(false);
    const error = await within(revoked, WAIT, 'the listen to be revoked');
    assert.match(String(error), /permission/i);
    assert.equal((await adminDb.ref('users/bob/name').once('value')).val(), 'Bob, written by admin');
  });

  test('large values cross split frames both ways', async () => {
    const ns = namespace();
    const db = client(ns);
    const other = client(ns);

    // The SDK cuts what it sends every 16384 UTF-16 units, even inside a surrogate pair (which then arrives as U+FFFD):
    // towards the server, text of single-unit characters.
    const up = 'é'.repeat(30000) + 'x'.repeat(50000);
    const seenUp = valueWhere(ref(other, 'up'), (v) => typeof v === 'string' && v.length === up.length, 'the large value');
    await within(set(ref(db, 'up'), up), WAIT, 'the large set');
    assert.ok((await seenUp) === up, 'the value sent in pieces arrives intact');

    // The server cuts between code points, so emoji survive on the way down.
    const down = 'é😀'.repeat(30000);
    assert.equal((await rest('PUT', ns, '/down', down)).status, 200);
    const received = await valueWhere(ref(other, 'down'), (v) => typeof v === 'string', 'the large value from the server');
    assert.ok(received === down, 'the value received in pieces arrives intact');
  });

  test('REST and WebSocket clients see each other', async () => {
    const ns = namespace();
    const db = client(ns);
    const seen = valueWhere(ref(db, 'mixed/rest'), (v) => v === 'from REST', 'the REST write');

    assert.equal((await rest('PUT', ns, '/mixed/rest', 'from REST')).status, 200);
    await seen;
    await set(ref(db, 'mixed/ws'), { from: 'WebSocket' });

    assert.deepEqual((await rest('GET', ns, '/mixed')).body, { rest: 'from REST', ws: { from: 'WebSocket' } });
  });
});
