import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';

/** `tenant/main.ts` as a real process: bundled with esbuild (dependencies stay in node_modules). */
const OUT_DIR = join(process.cwd(), 'node_modules', '.cache', 'tenant-main-e2e');

function run(
  entry: string,
  env: Record<string, string>,
  until?: RegExp,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [entry], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (until?.test(stdout)) child.kill('SIGTERM');
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('tenant main process', () => {
  let entry: string;
  let dir: string;
  let redis: TestRedis;

  beforeAll(async () => {
    mkdirSync(OUT_DIR, { recursive: true });
    entry = join(OUT_DIR, `main-${process.pid}.mjs`);
    await build({
      entryPoints: ['tenant/main.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: entry,
      logLevel: 'silent',
    });
    dir = mkdtempSync(join(tmpdir(), 'tenant-main-'));
    redis = await startTestRedis();
  });
  afterAll(async () => {
    rmSync(entry, { force: true });
    rmSync(dir, { recursive: true, force: true });
    await redis?.close();
  });

  it('refuses a bad tenant.yaml listing every problem, and exits 1', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(
      file,
      'tenant: { issuer: nope, port: 4000, cookie_keys: [] }\nredis: { url: redis://x }\nusers: [{ email: bad, password: x }]\nextra: 1\n',
    );
    const { code, stderr } = await run(entry, { TENANT_CONFIG: file });
    expect(code).toBe(1);
    expect(stderr).toContain(`Invalid tenant configuration in ${file}:`);
    expect(stderr).toMatch(/- tenant\.issuer: /);
    expect(stderr).toMatch(/- tenant\.cookie_keys: /);
    expect(stderr).toMatch(/- users\[0\]\.email: /);
    expect(stderr).toContain('- extra: unknown setting');
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('starts from config/tenant.yaml with env overrides, prints its URL and stops on SIGTERM', async () => {
    const port = await freePort();
    const { code, stdout, stderr } = await run(
      entry,
      { TENANT_PORT: String(port), TENANT_ISSUER: `http://localhost:${port}/`, REDIS_URL: redis.url },
      /Local tenant at/,
    );
    expect(stdout).toContain(`Local tenant at http://localhost:${port}`);
    expect({ code, stderr: stderr.replace(/oidc-provider WARNING[^\n]*\n?/, '') }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(stdout).toContain('Local tenant stopping (SIGTERM)');
  });
});
