import type { SessionInfo } from '../../src/public-api.types.js';
import { loginThroughBff, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { type TestRedis } from '../support/redis.js';
import { type TestTenant } from '../support/tenant.js';
import { closeTestStack, startTestStack } from '../support/stack.js';
import { DEMO } from '../support/seed-users.js';

describe('login with Pushed Authorization Requests (oidc.usePar)', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;

  beforeAll(async () => {
    ({ redis, tenant, bff } = await startTestStack({
      bff: {
        configure: (c) => void (c.oidc.usePar = true),
      },
    }));
  });
  afterAll(async () => {
    await closeTestStack({ bff, tenant, redis });
  });

  it('sends only a request_uri through the browser, and signs the user in', async () => {
    const client = new CookieClient();
    const start = await client.get(`${bff.url}/auth/login`);
    const authorize = new URL(start.location as string);
    expect(authorize.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(authorize.searchParams.has('code_challenge')).toBe(false);
    expect(authorize.searchParams.has('state')).toBe(false);
    expect((await loginThroughBff(client, bff.url)).status).toBe(302);
    const info = (
      await client.get(`${bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    expect(info.user.email).toBe(DEMO.email);
  });

  it('answers a page, never a 500, when the tenant refuses the pushed request', async () => {
    const stranger = await startTestBff({
      issuer: tenant.issuer,
      redisUrl: redis.url,
      configure: (c) => void (c.oidc.usePar = true),
    });
    try {
      const res = await new CookieClient().get(`${stranger.url}/auth/login`);
      expect(res.status).toBe(502);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    } finally {
      await stranger.close();
    }
  });
});
