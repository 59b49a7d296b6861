import { readFileSync } from 'node:fs';
import { type BffProcess, startBffProcess } from '../support/bff-process.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('the running version (package.json)', () => {
  const parts: Array<{ close(): Promise<void> }> = [];
  let bff: BffProcess;

  beforeAll(async () => {
    const tenantRedis: TestRedis = await startTestRedis();
    parts.push(tenantRedis);
    const redis = await startTestRedis();
    parts.push(redis);
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const tenant: TestTenant = await startTestTenant({ redisUrl: tenantRedis.url, bffOrigin: origin });
    parts.push(tenant);
    bff = await startBffProcess({
      issuer: tenant.issuer,
      publicOrigin: origin,
      port,
      logLevel: 'info',
      config: { redis: { url: redis.url } },
    });
    parts.push(bff);
  });

  afterAll(async () => {
    for (const part of parts.reverse()) await part.close();
  });

  it('is a semantic version', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  it('is named by /healthz and /readyz', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const res = await fetch(`${bff.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', version });
    }
  });

  it('is named by the boot log line', () => {
    const listening = bff
      .output()
      .split('\n')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as { msg?: string; version?: string }];
        } catch {
          return [];
        }
      })
      .find((entry) => entry.msg === 'bff listening');
    expect(listening).toMatchObject({ version });
  });
});
