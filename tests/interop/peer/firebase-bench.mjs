// The official Firebase web SDK's side of the C# benchmark runner `--firebase-vs-js`
// (tests/RealtimeAdapters.Benchmarks/Firebase/FirebaseVsJsRunner.cs). Run with `node --expose-gc` for the memory figure.
//
// Usage: node --expose-gc firebase-bench.mjs <port> <namespace> <path>
// Listens to child_changed on <path> of the emulator on 127.0.0.1:<port> and prints {"ok":true,"ready":true} once the
// initial value arrived. Then one command per stdin line, one JSON line answered per command:
//   arm <count>   answers {"ok":true,"armed":true} at once, then, after <count> more child_changed events,
//                 {"ok":true,"events":n,"first":t,"last":t}: the wall-clock times (ms since the epoch, sub-millisecond)
//                 of the first and the last event, comparable with the runner's clock on the same machine.
//   rtt <count>   <count> awaited set() calls of a number at bench-rtt/v, one after the other:
//                 {"ok":true,"samples":[ms, ...]} (each from the call to its acknowledgement).
//   mem           a second app instance (its own connection) watches <path> with onValue; the V8 heap in use after a
//                 full gc, before the watch and once its value arrived: {"ok":true,"bytes":delta}.
// The file name keeps it out of `node --test`.
import readline from 'node:readline';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectDatabaseEmulator, get, getDatabase, off, onChildChanged, onValue, ref, set } from 'firebase/database';

const [port, ns, path] = process.argv.slice(2);
const config = { projectId: 'demo-bench', databaseURL: `https://${ns}.firebaseio.com` };
const app = initializeApp(config, 'bench');
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', Number(port));

const wallNow = () => performance.timeOrigin + performance.now();
const reply = (value) => process.stdout.write(JSON.stringify({ ok: true, ...value }) + '\n');

let remaining = 0;
let first = 0;
let done = null;
onChildChanged(ref(db, path), () => {
  if (done === null) return;
  const now = wallNow();
  if (first === 0) first = now;
  remaining -= 1;
  if (remaining === 0) {
    const finish = done;
    done = null;
    finish(now);
  }
});
await get(ref(db, path));
reply({ ready: true });

function heap() {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

async function measureWatch() {
  const second = initializeApp(config, `mem-${Date.now()}`);
  const other = getDatabase(second);
  connectDatabaseEmulator(other, '127.0.0.1', Number(port));
  await set(ref(other, 'bench-rtt/mem'), 1); // connected
  const before = heap();
  const watched = ref(other, path);
  await new Promise((resolve) => onValue(watched, resolve));
  const after = heap();
  off(watched);
  await deleteApp(second);
  return after - before;
}

for await (const line of readline.createInterface({ input: process.stdin })) {
  const [command, argument] = line.trim().split(/\s+/);
  if (command === 'arm') {
    remaining = Number(argument);
    first = 0;
    const last = new Promise((resolve) => { done = resolve; });
    reply({ armed: true });
    const at = await last;
    reply({ events: Number(argument), first, last: at });
  } else if (command === 'rtt') {
    const samples = [];
    const target = ref(db, 'bench-rtt/v');
    for (let i = 0; i < Number(argument); i++) {
      const start = performance.now();
      await set(target, i);
      samples.push(performance.now() - start);
    }
    reply({ samples });
  } else if (command === 'mem') {
    reply({ bytes: await measureWatch(), gc: typeof globalThis.gc === 'function' });
  }
}

process.exit(0);
