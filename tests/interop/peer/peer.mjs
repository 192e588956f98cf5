// A remote-controlled ably-js peer for the C# interop tests (tests/RealtimeAdapters.Ably.Tests/Interop).
//
// Usage: node peer.mjs <port> <key>
// Reads one JSON command per line on stdin and writes one JSON line per reply or event on stdout:
//   command  {"id": 1, "op": "connect", "client": "a", "clientId": "bob", "binary": true}
//   reply    {"id": 1, "ok": true, "result": ...}   or   {"id": 1, "ok": false, "error": "...", "code": 40160}
//   event    {"event": "message" | "presence", "client": "a", "channel": "...", ...}
// Payloads travel as {"type": "none" | "string" | "binary" | "json", "value": ...} (binary as base64), so the C# side
// can check the exact kind ably-js saw or should send. The file name keeps it out of `node --test` discovery.
import readline from 'node:readline';
import * as Ably from 'ably';
import { LiveObjects, LiveMap } from 'ably/liveobjects';

const [port, key] = process.argv.slice(2);
if (!port || !key) {
  process.stderr.write('usage: node peer.mjs <port> <key>\n');
  process.exit(2);
}

const WAIT = 10000;
const clients = new Map();

function write(line) { process.stdout.write(JSON.stringify(line) + '\n'); }

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), WAIT); });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function toWire(data) {
  if (data === undefined || data === null) return { type: 'none' };
  if (typeof data === 'string') return { type: 'string', value: data };
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return { type: 'binary', value: Buffer.from(data).toString('base64') };
  return { type: 'json', value: data };
}

function fromWire(payload) {
  switch (payload?.type ?? 'none') {
    case 'none': return undefined;
    case 'string': return payload.value;
    case 'binary': return Buffer.from(payload.value, 'base64');
    case 'json': return payload.value;
    default: throw new Error(`unknown payload type ${payload.type}`);
  }
}

function message(m) {
  return { id: m.id, name: m.name ?? null, data: toWire(m.data), clientId: m.clientId ?? null, connectionId: m.connectionId ?? null, extras: m.extras ?? null, timestamp: m.timestamp ?? null };
}

function presence(m) {
  return { action: m.action, clientId: m.clientId, connectionId: m.connectionId ?? null, data: toWire(m.data) };
}


async function objectsNode(name, channel, path) {
  const ch = client(name).channels.get(channel, { modes: ['OBJECT_SUBSCRIBE', 'OBJECT_PUBLISH'] });
  const root = await within(ch.object.get(), 'the objects sync');
  return path ? root.at(path) : root;
}

function client(name) {
  const c = clients.get(name);
  if (!c) throw new Error(`no client ${name}`);
  return c;
}

const ops = {
  async connect({ client: name, clientId, binary, objects }) {
    const realtime = new Ably.Realtime({
      key, clientId, endpoint: '127.0.0.1', port: Number(port), tls: false, useBinaryProtocol: !!binary, transports: ['web_socket'], logLevel: 0,
      ...(objects ? { plugins: { LiveObjects } } : {}),
    });
    clients.set(name, realtime);
    await within(realtime.connection.whenState('connected'), 'connected');
    return { connectionId: realtime.connection.id };
  },
  async setCipher({ client: name, channel, key: cipherKey }) {
    await within(client(name).channels.get(channel).setOptions({ cipher: { key: cipherKey } }), 'setOptions');
    return null;
  },
  async subscribe({ client: name, channel, event }) {
    const ch = client(name).channels.get(channel);
    const listener = (m) => write({ event: 'message', client: name, channel, message: message(m) });
    await within(event ? ch.subscribe(event, listener) : ch.subscribe(listener), 'attached');
    return null;
  },
  async publish({ client: name, channel, messages }) {
    const ch = client(name).channels.get(channel);
    const outgoing = messages.map((m) => {
      const out = { name: m.name ?? undefined, data: fromWire(m.data) };
      if (m.extras) out.extras = m.extras;
      if (m.id) out.id = m.id;
      return out;
    });
    await within(ch.publish(outgoing), 'the publish ACK');
    return null;
  },
  async history({ client: name, channel, direction }) {
    const page = await within(client(name).channels.get(channel).history({ direction: direction ?? 'forwards' }), 'history');
    return page.items.map(message);
  },
  async presenceEnter({ client: name, channel, data }) {
    await within(client(name).channels.get(channel).presence.enter(fromWire(data)), 'presence enter');
    return null;
  },
  async presenceUpdate({ client: name, channel, data }) {
    await within(client(name).channels.get(channel).presence.update(fromWire(data)), 'presence update');
    return null;
  },
  async presenceLeave({ client: name, channel, data }) {
    await within(client(name).channels.get(channel).presence.leave(fromWire(data)), 'presence leave');
    return null;
  },
  async presenceGet({ client: name, channel }) {
    const members = await within(client(name).channels.get(channel).presence.get(), 'presence get');
    return members.map(presence);
  },
  async presenceSubscribe({ client: name, channel }) {
    const ch = client(name).channels.get(channel);
    await within(ch.presence.subscribe((m) => write({ event: 'presence', client: name, channel, presence: presence(m) })), 'presence attach');
    return null;
  },
  async presenceHistory({ client: name, channel }) {
    const page = await within(client(name).channels.get(channel).presence.history({ direction: 'forwards' }), 'presence history');
    return page.items.map(presence);
  },
  // LiveObjects (ably/liveobjects): the channel's root map as a PathObject; `path` is a dot path below it.
  async objectsSubscribe({ client: name, channel, path }) {
    const node = await objectsNode(name, channel, path);
    node.subscribe((e) => write({ event: 'object', client: name, channel, path: path ?? '', changed: e.object.path(), value: node.compactJson() ?? null }));
    return node.compactJson() ?? null;
  },
  async objectsGet({ client: name, channel, path }) {
    return (await objectsNode(name, channel, path)).compactJson() ?? null;
  },
  async objectsBatch({ client: name, channel, path, set, remove }) {
    const node = await objectsNode(name, channel, path);
    await within(node.batch((ctx) => {
      for (const [k, v] of Object.entries(set ?? {})) ctx.set(k, v);
      for (const k of remove ?? []) ctx.remove(k);
    }), 'the batch ACK');
    return null;
  },
  async objectsSetMap({ client: name, channel, path, key: mapKey, entries }) {
    const node = await objectsNode(name, channel, path);
    await within(node.set(mapKey, LiveMap.create(entries ?? {})), 'the set ACK');
    return null;
  },
  // The LiveObjects REST SDK (channel.object on an Ably.Rest client with the plugin).
  async objectsRestGet({ channel, binary, objectId, path, compact }) {
    const rest = new Ably.Rest({ key, endpoint: '127.0.0.1', port: Number(port), tls: false, useBinaryProtocol: !!binary, plugins: { LiveObjects } });
    const params = {};
    if (objectId) params.objectId = objectId;
    if (path) params.path = path;
    if (compact === false) params.compact = false;
    return (await within(rest.channels.get(channel).object.get(params), 'the REST object get')) ?? null;
  },
  async objectsRestPublish({ channel, binary, operations }) {
    const rest = new Ably.Rest({ key, endpoint: '127.0.0.1', port: Number(port), tls: false, useBinaryProtocol: !!binary, plugins: { LiveObjects } });
    return await within(rest.channels.get(channel).object.publish(operations), 'the REST object publish');
  },
  async close({ client: name }) {
    const realtime = client(name);
    clients.delete(name);
    realtime.close();
    await within(realtime.connection.whenState('closed'), 'closed');
    return null;
  },
};

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  if (!line.trim()) return;
  let command;
  try {
    command = JSON.parse(line);
  } catch (error) {
    write({ id: null, ok: false, error: `bad command: ${error.message}` });
    return;
  }
  try {
    const op = ops[command.op];
    if (!op) throw new Error(`unknown op ${command.op}`);
    write({ id: command.id, ok: true, result: await op(command) });
  } catch (error) {
    write({ id: command.id, ok: false, error: String(error?.message ?? error), code: error?.code ?? null });
  }
});
// stdin closing means the test is done (or crashed): close every client and leave.
lines.on('close', () => {
  for (const realtime of clients.values()) {
    try { realtime.close(); } catch { /* already closed */ }
  }
  process.exit(0);
});
write({ event: 'ready' });
