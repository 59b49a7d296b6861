import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger.js';
import { loginThroughBff, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';
import { closeTestStack } from '../support/stack.js';
import { DEMO_USER } from '../support/seed-users.js';

describe('logs', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;
  let tamper: TokenTamper;
  const lines: string[] = [];

  beforeAll(async () => {
    redis = await startTestRedis();
    const port = await freePort();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
    tamper = await createTokenTamper();
    const sink = new Writable({
      write: (chunk, _enc, done) => void (lines.push(...String(chunk).split('\n').filter(Boolean)), done()),
    });
    bff = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      oidcFetch: tamper.fetch,
      logger: createLogger('debug', sink),
    });
  });
  afterAll(async () => {
    await closeTestStack({ bff, tenant, redis });
  });

  it('are JSON with a request id and audit events, and never hold a token, a code, a cookie or a secret', async () => {
    const client = new CookieClient();
    const start = await client.get(`${bff.url}/auth/login`);
    const { completeTenantLogin } = await import('../support/tenant-login.js');
    const callback = await completeTenantLogin(client, start.location as string, DEMO_USER);
    const code = new URL(callback).searchParams.get('code') as string;
    const authorize = new URL(start.location as string).searchParams;
    const flowSecrets = ['state', 'nonce', 'code_challenge'].map((name) => authorize.get(name) as string);
    await client.get(callback, { headers: { 'x-request-id': 'trace-me-1' } });
    const cookie = client.cookies(bff.url)['__Host-bff'];
    await client.get(`${bff.url}/api/session`, {
      headers: { 'x-csrf': '1', authorization: 'Bearer eyJ.secret.header', dpop: 'eyJ.dpop.proof' },
    });
    await client.post(`${bff.url}/auth/logout`, { headers: { 'x-csrf': '1' } });
    await loginThroughBff(new CookieClient(), bff.url);

    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.some((l) => (l.req as { id?: string })?.id === 'trace-me-1')).toBe(true);
    const events = parsed.filter((l) => l.audit === true).map((l) => l.event);
    expect(events).toEqual(expect.arrayContaining(['login', 'logout']));

    const text = lines.join('\n');
    expect(text).toContain('[redacted]');
    for (const secret of [
      ...tamper.issued,
      ...flowSecrets,
      code,
      cookie,
      decodeURIComponent(cookie),
      'eyJ.secret.header',
      'eyJ.dpop.proof',
      'dev-bff-secret',
      'test-session-secret-change-me-0001',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/eyJ/);
  });
});
