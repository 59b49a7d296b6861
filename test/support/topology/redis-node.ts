import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startDelayProxy, type DelayProxy } from '../delay-proxy.js';
import { freePort } from '../redis.js';

/**
 * One redis-server (or redis-sentinel) process a fault test can kill, restart, pause and inspect. Clients
 * reach it through `proxy` (a delay proxy on `publicPort`, announced by the node to its cluster or its
 * sentinels), so a test can make its replies slow without touching the process.
 */
export class RedisNode {
  private proc: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: string[],
    readonly proxy: DelayProxy,
  ) {}

  /** Where clients connect (the delay proxy). */
  get publicPort(): number {
    return this.proxy.port;
  }

  /** Starts a node on a free port with its own folder; `args` are redis-server options. */
  static async start(
    args: string[] | ((port: number, dir: string, publicPort: number) => string[]),
    options: { persistence?: boolean; busPort?: boolean } = {},
  ): Promise<RedisNode> {
    const port = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'bff-redis-node-'));
    // Cluster: the bus listens on publicPort + 10000, so `CLUSTER MEET host publicPort` reaches it.
    const proxy = await startDelayProxy(port, options.busPort ? await freePortWithBus() : undefined);
    const extra = typeof args === 'function' ? args(port, dir, proxy.port) : args;
    const persistence = options.persistence
      ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
      : ['--appendonly', 'no', '--save', ''];
    // A config file (sentinel) must come first; everything else is an option.
    const [file, rest] = extra[0]?.startsWith('--') ? [[], extra] : [extra.slice(0, 1), extra.slice(1)];
    const node = new RedisNode(
      port,
      dir,
      [...file, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence, ...rest],
      proxy,
    );
    await node.restart();
    return node;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get alive(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Starts the process again on the same port and folder (after `kill`), and waits for PING. */
  async restart(): Promise<void> {
    const proc = spawn('redis-server', this.args, { stdio: 'ignore' });
    this.proc = proc;
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      proc.once('spawn', resolve);
      proc.once('error', reject);
    });
    await waitFor(async () => (await this.call('PING')) === 'PONG', 10_000, `redis ${this.port} PING`);
  }

  /** SIGKILL (a crash) or SIGSTOP/SIGCONT; resolves once a killed process has exited. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const proc = this.proc;
    if (!proc || !this.alive) return;
    proc.kill(signal);
    if (signal === 'SIGKILL' || signal === 'SIGTERM') await this.exited;
  }

  /** One command on a short-lived connection (never retried); undefined when the node does not answer. */
  async call(...args: (string | number)[]): Promise<unknown> {
    const client = new Redis({
      port: this.port,
      host: '127.0.0.1',
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: 1000,
      commandTimeout: 2000,
    });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await client.call(String(args[0]), ...args.slice(1).map(String));
    } catch {
      return undefined;
    } finally {
      client.disconnect();
    }
  }

  /** `role` of INFO replication: master, slave, or undefined when down. */
  async role(): Promise<string | undefined> {
    const info = (await this.call('INFO', 'replication')) as string | undefined;
    return info ? /role:(\w+)/.exec(info)?.[1] : undefined;
  }

  async close(): Promise<void> {
    await this.kill('SIGKILL');
    await this.proxy.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A free port whose cluster bus port (+10000) is a valid port and free too. */
async function freePortWithBus(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10000 > 65535) continue;
    const bus = createServer();
    const free = await new Promise<boolean>((resolve) => {
      bus.once('error', () => resolve(false));
      bus.listen(port + 10000, '127.0.0.1', () => bus.close(() => resolve(true)));
    });
    if (free) return port;
  }
}

export async function waitFor(
  check: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
