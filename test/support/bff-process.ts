import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import type { ConfigInput } from '../../src/config/config.schema.js';
import { freePort } from './redis.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const REGISTER = fileURLToPath(new URL('./process/register.mjs', import.meta.url));
const MAIN = join(ROOT, 'src', 'main.ts');

export interface BffProcessOptions {
  /** The tenant's issuer (`startTestTenant().issuer`). */
  issuer: string;
  /** The origin browsers use (a balancer's, when several processes stand behind one). */
  publicOrigin: string;
  /** Settings over config/test.yaml (Redis topology, timeouts...), as they would be written in YAML. */
  config?: DeepPartial<ConfigInput>;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Name in error messages and logs (default `bff-<port>`). */
  name?: string;
  /** LOG_LEVEL of the process (default TEST_LOG_LEVEL, else warn). */
  logLevel?: string;
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };

/** One BFF running as its own OS process (`node src/main.ts` through the swc hooks), as in production. */
export interface BffProcess {
  readonly name: string;
  /** `http://127.0.0.1:<port>`: this process directly, bypassing any balancer. */
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Resolves with the exit code or signal once the process has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** The process's last log lines (pino JSON), for failure messages. */
  output(): string;
  /** Sends a signal (SIGTERM: graceful shutdown; SIGKILL: crash). */
  kill(signal: NodeJS.Signals): void;
  /** Resident set size in bytes (from /proc), or undefined when the process is gone. */
  rss(): number | undefined;
  /** Stops the process (SIGTERM, SIGKILL after `graceMs`) and removes its config folder. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts one BFF process and waits until `/readyz` answers 200 (Redis reachable, discovery loaded). Its
 * configuration is config/default.yaml + config/test.yaml + `options.config`, written to a private
 * CONFIG_DIR; issuer, origin and port come through the environment as in a deployment.
 */
export async function startBffProcess(options: BffProcessOptions): Promise<BffProcess> {
  // A free port can be taken by another program between the probe and the child's listen: try another.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options, options.port ?? (await freePort()));
    } catch (err) {
      if (options.port !== undefined || attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startOnce(options: BffProcessOptions, port: number): Promise<BffProcess> {
  const name = options.name ?? `bff-${port}`;
  const configDir = writeConfigDir(options.config ?? {});
  const lines: string[] = [];
  const child = spawn(process.execPath, ['--import', REGISTER, MAIN], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      CONFIG_DIR: configDir,
      PORT: String(port),
      PUBLIC_ORIGIN: options.publicOrigin,
      OIDC_ISSUER: options.issuer,
      LOG_LEVEL: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'warn',
      ...(process.env.TEST_BFF_DEBUG ? { DEBUG: process.env.TEST_BFF_DEBUG } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    lines.push(...chunk.toString().split('\n').filter(Boolean));
    if (lines.length > 300) lines.splice(0, lines.length - 300);
    if (process.env.TEST_LOG_LEVEL) process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | NodeJS.Signals>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code ?? 0)),
  );
  const url = `http://127.0.0.1:${port}`;
  const output = () => lines.join('\n');
  const close = async (graceMs = 5000) => {
    await stopChild(child, exited, graceMs);
    rmSync(configDir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, exited, name, output);
  } catch (err) {
    await close(0);
    throw err;
  }
  return {
    name,
    url,
    port,
    pid: child.pid ?? 0,
    exited,
    output,
    kill: (signal) => void child.kill(signal),
    rss: () => readRss(child.pid),
    close,
  };
}

/** Several BFF processes at one public origin (start a balancer on `publicOrigin`'s port in front). */
export async function startBffProcesses(
  count: number,
  options: Omit<BffProcessOptions, 'port' | 'name'>,
): Promise<BffProcess[]> {
  const started = await Promise.allSettled(
    Array.from({ length: count }, (_, i) => startBffProcess({ ...options, name: `bff-${i + 1}` })),
  );
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.close(0) : Promise.resolve())));
    throw failed.reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<BffProcess>).value);
}

function writeConfigDir(overrides: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'bff-config-'));
  copyFileSync(join(ROOT, 'config', 'default.yaml'), join(dir, 'default.yaml'));
  copyFileSync(join(ROOT, 'config', 'development.yaml'), join(dir, 'development.yaml'));
  const base = parseYaml(readFileSync(join(ROOT, 'config', 'test.yaml'), 'utf8')) as object;
  // JSON is YAML: the merged test settings, read by loadConfig as config/test.yaml.
  writeFileSync(join(dir, 'test.yaml'), JSON.stringify(merge(base, overrides)));
  return dir;
}

function merge(base: object, over: object): object {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = out[key];
    out[key] = isPlain(value) && isPlain(prev) ? merge(prev as object, value as object) : (value as unknown);
  }
  return out;
}

const isPlain = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);

async function waitReady(
  url: string,
  exited: Promise<unknown>,
  name: string,
  output: () => string,
  // Booting from source takes ~1 s of CPU; on a machine running many suites at once that can be 30 s+.
  timeoutMs = 90_000,
): Promise<void> {
  let gone = false;
  let last = '';
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${name} exited before it was ready:\n${output().slice(-3000)}`);
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then(
      async (r) => {
        last = await r.text();
        return r.status === 200;
      },
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${name} was not ready within ${timeoutMs} ms (${last}):\n${output().slice(-3000)}`);
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(graceMs > 0 ? 'SIGTERM' : 'SIGKILL');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

function readRss(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
