// A one-shot official Firebase web SDK client for the C# interop tests (tests/RealtimeAdapters.Firebase.Tests/Interop).
//
// Usage: node firebase-peer.mjs <port> <namespace>
// Against the emulator on 127.0.0.1:<port>, in <namespace>, it:
//   1. reads interop/fromCs (written by the C# provider) and prints {"read": <value>},
//   2. listens to interop/fromCsLive and prints {"live": <value>} for each value until it sees {"done": true},
//   3. writes interop/fromJs (with a server timestamp and a priority), pushes two children to interop/list,
//      runs 5 transactions incrementing interop/count (concurrently with the C# side),
//   4. marks interop/presence/js "online" with an onDisconnect set to "offline",
//   5. prints {"finished": true}, then waits until interop/presence/cs reads "offline" (the C# client's onDisconnect
//      write, run when the C# side closes that client) and prints {"sawCsOffline": true},
//   6. exits, closing its socket (its own onDisconnect write then runs).
// The file name keeps it out of `node --test` discovery.
import { deleteApp, initializeApp } from 'firebase/app';
import {
  connectDatabaseEmulator, get, getDatabase, increment, onDisconnect, onValue, push, ref, runTransaction, serverTimestamp, set,
  setWithPriority, update,
} from 'firebase/database';

const [port, ns] = process.argv.slice(2);
if (!port || !ns) {
  process.stderr.write('usage: node firebase-peer.mjs <port> <namespace>\n');
  process.exit(2);
}

const write = (line) => process.stdout.write(JSON.stringify(line) + '\n');
const app = initializeApp({ projectId: 'demo-interop', databaseURL: `https://${ns}.firebaseio.com` }, 'peer');
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', Number(port));

const timeout = setTimeout(() => { process.stderr.write('firebase-peer: timed out\n'); process.exit(3); }, 20000);

write({ read: (await get(ref(db, 'interop/fromCs'))).val() });

await new Promise((resolve) => {
  const stop = onValue(ref(db, 'interop/fromCsLive'), (snapshot) => {
    const value = snapshot.val();
    write({ live: value });
    if (value && value.done === true) {
      stop();
      resolve();
    }
  });
});

await setWithPriority(ref(db, 'interop/fromJs'), { from: 'js', at: serverTimestamp(), nested: { a: [1, 2, 3] } }, 7);
await push(ref(db, 'interop/list'), { n: 1 });
await push(ref(db, 'interop/list'), { n: 2 });
await update(ref(db, 'interop'), { 'multi/a': 1, 'multi/b': increment(2) });
for (let i = 0; i < 5; i++) {
  await runTransaction(ref(db, 'interop/count'), (value) => (value ?? 0) + 1);
}

await onDisconnect(ref(db, 'interop/presence/js')).set('offline');
await set(ref(db, 'interop/presence/js'), 'online');
write({ finished: true });
await new Promise((resolve) => {
  const stop = onValue(ref(db, 'interop/presence/cs'), (snapshot) => {
    if (snapshot.val() === 'offline') {
      stop();
      resolve();
    }
  });
});
write({ sawCsOffline: true });
clearTimeout(timeout);
await deleteApp(app);
process.exit(0);
