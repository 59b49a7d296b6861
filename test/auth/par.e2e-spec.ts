import type { SessionInfo } from '../../src/public-api.types.js';
import { loginThroughBff, startTestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO } from '../support/seed-users.js';

const stackOptions: TestStackOptions = {
  bff: {
    configure: (c) => void (c.oidc.usePar = true),
  },
};

describeWithStack('login with Pushed Authorization Requests (oidc.usePar)', stackOptions, (stack) => {
  it('sends only a request_uri through the browser, and signs the user in', async () => {
    const client = new CookieClient();
    const start = await client.get(`${stack.bff.url}/auth/login`);
    const authorize = new URL(start.location as string);
    expect(authorize.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    expect(authorize.searchParams.has('code_challenge')).toBe(false);
    expect(authorize.searchParams.has('state')).toBe(false);
    expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    expect(info.user.email).toBe(DEMO.email);
  });

  it('answers a page, never a 500, when the tenant refuses the pushed request', async () => {
    const stranger = await startTestBff({
      issuer: stack.tenant.issuer,
      redisUrl: stack.redis.url,
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
