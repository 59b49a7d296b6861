import * as oidc from 'openid-client';
import { CookieClient } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { authorizationUrl, DEMO, discover, logIn } from './support/rp.js';

async function waitFor(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('tenant with its Redis down', () => {
  let redis: TestRedis;
  let tenant: TestTenant;

  beforeAll(async () => {
    redis = await startTestRedis();
    tenant = await startTestTenant({ redisUrl: redis.url });
  });
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  it('answers 503 temporarily_unavailable with Retry-After, and answers normally again once Redis is back', async () => {
    const config = await discover(tenant.issuer);
    const { tokens } = await logIn(config, DEMO);
    const client = new CookieClient();
    const loginPage = await client.get((await authorizationUrl(config)).url, { followRedirects: 3 });
    expect(loginPage.body).toContain('name="password"');

    await redis.stop();
    const refresh = await fetch(`${tenant.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token as string,
      }),
    });
    expect(refresh.status).toBe(503);
    expect(refresh.headers.get('retry-after')).toBe('5');
    expect(await refresh.json()).toMatchObject({ error: 'temporarily_unavailable' });

    const authorize = await new CookieClient({ accept: 'text/html' }).get(
      (await authorizationUrl(config)).url,
    );
    expect(authorize.status).toBe(503);
    expect(authorize.headers.get('content-type')).toMatch(/^text\/html/);
    expect(authorize.body).toContain('temporarily_unavailable');

    const submit = await client.submitForm(loginPage, { username: DEMO.username, password: DEMO.password });
    expect(submit.status).toBe(503);
    expect(submit.body).toContain('temporarily_unavailable');
    expect(submit.body).not.toMatch(/\bat .*\.(js|ts):\d+/); // no stack trace

    await redis.start();
    await waitFor(
      async () =>
        (await fetch(`${tenant.url}/.well-known/jwks.json`)).ok && tenant.context.redis.status === 'ready',
    );
    // The test Redis keeps nothing on disk, so the token is gone: a normal OAuth answer, no longer a 503.
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token as string)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
