// Child processes of one benchmark run: every process started here is tracked and stopped on success,
// failure, Ctrl-C or an uncaught error, so a run never leaves a server or a redis-server behind.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clearTimeout, setTimeout } from 'node:timers';

/* global fetch */

const children = new Set();
const scratch = [];

export function onPath(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Moves a process and all its threads to one CPU (`taskset`), so that a server under test does not share
 * its core with the load generator. Returns false where taskset is missing or refuses.
 */
export function pinToCpu(pid, cpu) {
  return spawnSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' }).status === 0;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts a child and tracks it. `ready` (optional) is a RegExp on the child's stdout, or an async probe;
 * the promise resolves with `{ child, pid, lines }` once it is met, and rejects when the child exits first.
 */
export async function startChild(
  name,
  command,
  args,
  { env = {}, ready, timeoutMs = 60_000, quiet = true, pollMs = 50 } = {},
) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  const entry = { name, child, output: [], bytes: 0 };
  children.add(entry);
  const lines = [];
  const onData = (stream) => (chunk) => {
    entry.bytes += chunk.length;
    const text = chunk.toString();
    entry.output.push(text);
    if (entry.output.length > 200) entry.output.shift();
    if (stream === 'stdout') lines.push(...text.split('\n').filter(Boolean));
    if (!quiet) process.stderr.write(`[${name}] ${text}`);
  };
  child.stdout.on('data', onData('stdout'));
  child.stderr.on('data', onData('stderr'));
  child.on('exit', () => children.delete(entry));
  const exited = new Promise((_, reject) =>
    child.once('exit', (code, signal) =>
      reject(
        new Error(
          `${name} exited (${signal ?? `code ${code}`}) before it was ready:\n${entry.output.join('').slice(-2000)}`,
        ),
      ),
    ),
  );
  const spawnFailed = new Promise((_, reject) =>
    child.once('error', (err) => reject(new Error(`${name}: ${err.message}`))),
  );
  exited.catch(() => undefined);
  spawnFailed.catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  const readyCheck = (async () => {
    for (;;) {
      if (!ready) return;
      if (ready instanceof RegExp ? lines.some((l) => ready.test(l)) : await ready()) return;
      if (Date.now() > deadline)
        throw new Error(
          `${name} was not ready within ${timeoutMs} ms:\n${entry.output.join('').slice(-2000)}`,
        );
      await sleep(pollMs);
    }
  })();
  await Promise.race([readyCheck, exited, spawnFailed]);
  return { child, pid: child.pid, lines, output: entry.output, outputBytes: () => entry.bytes };
}

/** A private redis-server on a free port, nothing kept on disk. */
export async function startRedis(name) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bff-bench-redis-'));
  scratch.push(dir);
  const proc = await startChild(
    name,
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    {
      ready: () => redisPing(port),
    },
  );
  return { ...proc, port, url: `redis://127.0.0.1:${port}` };
}

function redisPing(port) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

export async function httpOk(url) {
  try {
    const res = await fetch(url);
    await res.arrayBuffer();
    return res.ok;
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Stops one child: SIGTERM, then SIGKILL after `graceMs`. */
export async function stopChild(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...children].reverse().map(({ child }) => stopChild(child)));
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
}

let cleaning = false;
/** Ctrl-C, SIGTERM and a crash all stop every child; a plain exit kills whatever is left synchronously. */
export function installCleanup() {
  const bail = (code, why) => {
    if (cleaning) return;
    cleaning = true;
    if (why) console.error(why);
    stopAll().finally(() => process.exit(code));
  };
  process.on('SIGINT', () => bail(130, '\nInterrupted: stopping every process this run started.'));
  process.on('SIGTERM', () => bail(143));
  process.on('uncaughtException', (err) => bail(1, err?.stack ?? String(err)));
  process.on('unhandledRejection', (err) => bail(1, err?.stack ?? String(err)));
  process.on('exit', () => {
    for (const { child } of children) child.kill('SIGKILL');
    for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
  });
}
