// The official Firebase web SDK on a FirebaseChannelClient channel, for the C# interop test
// (tests/RealtimeAdapters.Firebase.Tests/Interop/FirebaseChannelJsInteropTests.cs), using only the documented layout
// (FirebaseChannelLayout): the few lines the README shows a web page.
//
// Usage: node firebase-channel-peer.mjs <port> <namespace>
//   1. listens to channels/room/messages from now on and prints {"ready": true},
//   2. prints {"received": {name, data, clientId}} for the first message from C#,
//   3. enters presence as "web" (removed, with a leave logged, when its socket closes), then publishes "from-js",
//   4. prints {"history": [names, newest first]} and exits (closing its socket).
// The file name keeps it out of `node --test` discovery.
import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectDatabaseEmulator, get, getDatabase, increment, limitToLast, onChildAdded, onDisconnect, orderByChild, push, query, ref,
  serverTimestamp, startAt, update,
} from 'firebase/database';

const [port, ns] = process.argv.slice(2);
const write = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const app = initializeApp({ projectId: 'demo-interop', databaseURL: `https://${ns}.firebaseio.com` }, 'channel-peer');
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', Number(port));
const timeout = setTimeout(() => { process.stderr.write('firebase-channel-peer: timed out\n'); process.exit(3); }, 20000);

// --- the README's lines ---
const channel = ref(db, 'channels/room');                       // channels/{FirebaseChannelLayout.EncodeKey(name)}
const messages = ref(db, 'channels/room/messages');
const connectionId = 'web-' + Math.random().toString(36).slice(2);
const decode = (m) => m.encoding === 'json' ? JSON.parse(m.data) : m.data;   // 'base64' for binary payloads

async function publish(name, data) {
  const key = push(messages).key;                                // a push id: chronological
  await update(channel, {
    [`messages/${key}`]: { name, data: JSON.stringify(data), encoding: 'json', clientId: 'web', connectionId, id: key, timestamp: serverTimestamp() },
    'meta/count': increment(1),                                  // keeps the publishers' trimming exact
  });
}

async function enter(data) {
  const member = push(ref(db, 'channels/room/presence')).key;
  const leave = push(ref(db, 'channels/room/presenceEvents')).key;
  const entry = (action) => ({ action, clientId: 'web', connectionId, data, id: leave, timestamp: serverTimestamp() });
  await onDisconnect(channel).update({ [`presence/${member}`]: null, [`presenceEvents/${leave}`]: entry('leave') });
  const { action, ...present } = entry('enter');
  await update(channel, { [`presence/${member}`]: present, [`presenceEvents/${push(ref(db, 'channels/room/presenceEvents')).key}`]: entry('enter') });
}
// --- end of the README's lines ---

let first;
const received = new Promise((resolve) => { first = resolve; });
onChildAdded(query(messages, orderByChild('timestamp'), startAt(Date.now() - 60000)), (snapshot) => {
  const m = snapshot.val();
  if (m.connectionId !== connectionId) {
    first({ name: m.name, data: decode(m), clientId: m.clientId ?? null });
  }
});
write({ ready: true });
write({ received: await received });

await enter('on the web');
await publish('from-js', { n: 2, list: [true, null] });
const history = await get(query(messages, orderByChild('timestamp'), limitToLast(10)));
const names = [];
history.forEach((child) => { names.unshift(child.val().name); });
write({ history: names });
clearTimeout(timeout);
await deleteApp(app);
process.exit(0);
