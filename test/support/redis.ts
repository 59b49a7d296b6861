import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createRedisClient, type RedisClient } from '../../src/session/redis.factory.js';

/** A Redis server owned by one test file: its own process on a free port, nothing kept on disk. */
export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Stops the server (simulates an outage). The port stays reserved for `start()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port (after `stop()`). */
  start(): Promise<void>;
  /** A fresh client; the caller closes it. */
  client(): Redis;
  /** Stops the server for good and removes its folder. */
  close(): Promise<void>;
}

/**
 * Ports for test servers come from below the kernel's ephemeral range (32768+ on Linux), where outgoing
 * connections take their local ports: a port probed free there can be taken by any connection before the
 * server listens. Each jest worker walks its own slice, so parallel suites never hand out the same port;
 * each candidate is still checked by binding it.
 */
const PORT_RANGE = { from: 20_000, to: 32_000 };
const WORKER_SLICES = 8;
const slice = (() => {
  const size = Math.floor((PORT_RANGE.to - PORT_RANGE.from) / WORKER_SLICES);
  const worker = (Number(process.env.JEST_WORKER_ID ?? '1') - 1) % WORKER_SLICES;
  const start = PORT_RANGE.from + worker * size;
  return { start, size };
})();
let nextOffset = Math.floor(Math.random() * slice.size);

export async function freePort(): Promise<number> {
  for (let tries = 0; tries < 200; tries++) {
    const port = slice.start + (nextOffset++ % slice.size);
    if (await canListen(port)) return port;
  }
  throw new Error('no free port for a test server');
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    // Every interface: free here means free for a server on 127.0.0.1, localhost or all addresses.
    srv.listen(port, () => srv.close(() => resolve(true)));
  });
}

async function waitForPing(url: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch (err) {
      probe.disconnect();
      if (Date.now() > deadline)
        throw new Error(`Redis at ${url} did not answer within ${timeoutMs} ms: ${String(err)}`, {
          cause: err,
        });
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

/**
 * Starts `redis-server` on a free port, so tests never touch a developer's data and outage tests can
 * stop and restart it. `.ci/run` installs redis-server when it is missing.
 */
export async function startTestRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'bff-redis-'));
  let proc: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;

  const start = async () => {
    proc = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
      { stdio: 'ignore' },
    );
    const spawned = proc;
    await new Promise<void>((resolve, reject) => {
      spawned.once('error', (err) =>
        reject(
          new Error(
            `Cannot start redis-server (${err.message}). Install it: apt-get install -y redis-server`,
          ),
        ),
      );
      spawned.once('spawn', () => resolve());
    });
    await waitForPing(url);
  };
  const stop = async () => {
    const p = proc;
    proc = undefined;
    if (!p || p.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill('SIGKILL');
    });
  };
  await start();
  return {
    url,
    port,
    stop,
    start,
    client: () => new Redis(url, { maxRetriesPerRequest: 1 }),
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The BFF's own Redis client (`createRedisClient`: single server, fail-fast deadlines, silent) on `server`. */
export function bffRedisClient(server: TestRedis, commandTimeoutMs = 300): RedisClient {
  return createRedisClient(
    {
      url: server.url,
      sentinel: null,
      cluster: null,
      commandTimeoutMs,
      connectTimeoutMs: 500,
      waitReplicas: 0,
      waitTimeoutMs: 100,
    },
    pino({ level: 'silent' }),
  );
}
