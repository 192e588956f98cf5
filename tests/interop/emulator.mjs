// Starts the RealtimeAdapters emulator (Ably or Firebase front end) as a child process and reads its ready line.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dll = path.join(root, 'src', 'RealtimeAdapters.Emulator', 'bin', 'Release', 'net10.0', 'RealtimeAdapters.Emulator.dll');

export const FULL_KEY = 'interop.full:full-secret';
export const LIMITED_KEY = 'interop.limited:limited-secret';
const LIMITED_CAPABILITY = JSON.stringify({ 'allowed:*': ['*'], readonly: ['subscribe', 'history'] });

/** Rejects after `ms` unless `promise` settles first. */
export function within(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Starts the emulator program with `args` and waits for its ready line, which must match `ready`; resolves with the match and a stop function. */
async function spawnEmulator(args, ready) {
  const child = spawn('dotnet', [dll, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const exited = once(child, 'exit').then(([code]) => { throw new Error(`emulator exited early with code ${code}`); });
  const line = await within(Promise.race([once(lines, 'line').then(([first]) => first), exited]), 30000, 'the emulator ready line');
  const match = ready.exec(line);
  if (!match) {
    child.kill('SIGTERM');
    throw new Error(`unexpected ready line: ${line}`);
  }

  exited.catch(() => {});
  return {
    match,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await within(done, 15000, 'the emulator to exit');
      return code;
    },
  };
}

/** The Ably front end, with a full-access key and a limited one (and `extraArgs`, e.g. limits). */
export async function startEmulator(extraArgs = []) {
  const { match, stop } = await spawnEmulator(
    ['--ably-port', '0', '--ably-key', FULL_KEY, '--ably-key', `${LIMITED_KEY}=${LIMITED_CAPABILITY}`, ...extraArgs],
    /^ably listening on http:\/\/127\.0\.0\.1:(\d+) key (\S+:\S+)$/);
  return { port: Number(match[1]), key: match[2], stop };
}

/** The Firebase front end (REST, streaming and the realtime WebSocket protocol) on a free port. */
export async function startFirebaseEmulator(extraArgs = []) {
  const { match, stop } = await spawnEmulator(['--firebase-port', '0', ...extraArgs], /^firebase listening on http:\/\/127\.0\.0\.1:(\d+)$/);
  return { port: Number(match[1]), stop };
}
