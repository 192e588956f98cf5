// The ably-js half of the side-by-side benchmark (C# provider vs ably-js on one emulator), driven by
// tests/RealtimeAdapters.Benchmarks (`-- --ably-vs-js`); the C# half is AblyProviderWorkload.cs, and both run the
// same workload:
//   - one publisher connection (echoMessages off) and one subscriber connection, both over `format`;
//   - the subscriber attaches `channel` once (`prepare`); the publisher's channel is attached too, outside the timing,
//     because ably-js would otherwise attach implicitly on the first publish;
//   - a round (`run`) publishes `count` messages named `bench`, each one message per publish with a string payload of
//     exactly `size` ASCII characters `seq|sendTime|xxxx…`, keeping at most `window` publishes awaiting their ACK;
//   - the round ends when every ACK has arrived and the subscriber has received all `count` messages;
//   - latency = receive time − send time carried in the payload, on this process's clock (performance.now());
//   - CPU per message = this process's user + system CPU time over the round (process.cpuUsage()) / count.
// Usage: node bench.mjs <port> <key> <json|msgpack> <count> <size> <window>
// Then one JSON command per line on stdin: {"op":"prepare","channel":"…"}, {"op":"run"}; each gets one JSON reply line.
// The file name keeps it out of `node --test` discovery.
import { performance } from 'node:perf_hooks';
import readline from 'node:readline';
import * as Ably from 'ably';

const [port, key, format, countArg, sizeArg, windowArg] = process.argv.slice(2);
const count = Number(countArg);
const size = Number(sizeArg);
const window = Number(windowArg);
if (!port || !key || !['json', 'msgpack'].includes(format) || !(count > 0) || !(size >= 32) || !(window > 0)) {
  process.stderr.write('usage: node bench.mjs <port> <key> <json|msgpack> <count> <size>=32> <window>\n');
  process.exit(2);
}

function write(line) { process.stdout.write(JSON.stringify(line) + '\n'); }

const options = {
  key, endpoint: '127.0.0.1', port: Number(port), tls: false, useBinaryProtocol: format === 'msgpack', transports: ['web_socket'], logLevel: 0,
};
const publisher = new Ably.Realtime({ ...options, echoMessages: false });
const subscriber = new Ably.Realtime(options);
await Promise.all([publisher.connection.whenState('connected'), subscriber.connection.whenState('connected')]);
write({ ready: true });

let pubChannel;
let latencies;
let received = 0;
let roundDone = () => {};

function payload(seq) {
  const head = `${seq}|${performance.now().toFixed(3)}|`;
  return head + 'x'.repeat(size - head.length);
}

function onMessage(message) {
  const now = performance.now();
  const data = message.data;
  const first = data.indexOf('|');
  const sent = Number(data.slice(first + 1, data.indexOf('|', first + 1)));
  if (received < latencies.length) latencies[received] = now - sent;
  received += 1;
  if (received === count) roundDone();
}

async function prepare(channel) {
  latencies = new Float64Array(count);
  await subscriber.channels.get(channel).subscribe('bench', onMessage);
  pubChannel = publisher.channels.get(channel);
  await pubChannel.attach();
}

async function run() {
  received = 0;
  latencies = new Float64Array(count);
  const allReceived = new Promise((resolve) => { roundDone = resolve; });
  const inflight = [];
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    inflight.push(pubChannel.publish('bench', payload(i)));
    if (inflight.length >= window) await inflight.shift();
  }
  await Promise.all(inflight);
  await allReceived;
  const elapsedMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const at = (p) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] * 1000;
  return {
    messages: count,
    elapsedMs,
    perSecond: count / (elapsedMs / 1000),
    p50Us: at(50),
    p90Us: at(90),
    p99Us: at(99),
    maxUs: sorted[sorted.length - 1] * 1000,
    cpuUsPerMessage: (cpu.user + cpu.system) / count,
  };
}

// One command at a time: the runner waits for each reply before sending the next.
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (!line.trim()) continue;
  try {
    const command = JSON.parse(line);
    if (command.op === 'prepare') {
      await prepare(command.channel);
      write({ ok: true });
    } else if (command.op === 'run') {
      write({ ok: true, result: await run() });
    } else {
      write({ ok: false, error: `unknown op ${command.op}` });
    }
  } catch (error) {
    write({ ok: false, error: String(error?.message ?? error) });
  }
}
publisher.close();
subscriber.close();
process.exit(0);
