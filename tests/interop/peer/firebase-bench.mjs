// The official Firebase web SDK's side of the C# benchmark runner `--firebase-vs-js`
// (tests/RealtimeAdapters.Benchmarks/Firebase/FirebaseVsJsRunner.cs).
//
// Usage: node firebase-bench.mjs <port> <namespace> <path> <count>
// Listens to child_changed on <path> of the emulator on 127.0.0.1:<port>, prints {"ready": true} once the initial
// value arrived, then for each "go" line on stdin counts <count> child_changed events and prints
// {"events": n, "ms": elapsed} (from the "go" line to the last event). The file name keeps it out of `node --test`.
import readline from 'node:readline';
import { initializeApp } from 'firebase/app';
import { connectDatabaseEmulator, get, getDatabase, onChildChanged, ref } from 'firebase/database';

const [port, ns, path, countText] = process.argv.slice(2);
const count = Number(countText);
const app = initializeApp({ projectId: 'demo-bench', databaseURL: `https://${ns}.firebaseio.com` }, 'bench');
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', Number(port));

let seen = 0;
let started = 0;
let done = null;
onChildChanged(ref(db, path), () => {
  seen += 1;
  if (done && seen === count) {
    const finish = done;
    done = null;
    finish();
  }
});
await get(ref(db, path));
process.stdout.write(JSON.stringify({ ready: true }) + '\n');

for await (const line of readline.createInterface({ input: process.stdin })) {
  if (line.trim() !== 'go') continue;
  seen = 0;
  started = performance.now();
  await new Promise((resolve) => { done = resolve; });
  process.stdout.write(JSON.stringify({ events: count, ms: performance.now() - started }) + '\n');
}

process.exit(0);
