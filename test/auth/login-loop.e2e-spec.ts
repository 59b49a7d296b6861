import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient, type ClientResponse } from '../support/cookie-client.js';
import { completeTenantLogin } from '../support/tenant-login.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER } from '../support/seed-users.js';

jest.setTimeout(90_000);

const MAX_STARTS = 5;
const WINDOW_SECONDS = 20;

const stackOptions: TestStackOptions = {
  bff: {
    configure: (config) => {
      (config.auth as Record<string, unknown>).loginLoop = {
        maxStarts: MAX_STARTS,
        windowSeconds: WINDOW_SECONDS,
      };
    },
  },
};

/**
 * The login-loop breaker (Wonderwall's login-loop limiter): a browser that keeps starting logins gets a
 * clear 429 page instead of one more redirect, against the real tenant and a real Redis.
 */
describeWithStack('GET /auth/login: the login-loop breaker', stackOptions, (stack) => {
  let raw: Redis;

  beforeAll(async () => {
    raw = stack.redis.client();
  });
  afterAll(async () => {
    await raw?.quit();
  });

  /** The BFF's keys (the tenant shares this Redis under its own names). */
  const keys = async () => (await raw.keys(`${stack.bff.config.session.keyPrefix}*`)).sort();
  const signedIn = async (client: CookieClient) =>
    (await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status === 200;

  /**
   * One round of a real loop: sign in (the tenant's SSO session answers at once after the first), arrive
   * at returnTo without the session (a cookie the browser refused on arrival), so the page sends the
   * browser to /auth/login again. Returns the /auth/login answer that was not a redirect, if any.
   */
  async function loopRound(client: CookieClient): Promise<ClientResponse | undefined> {
    const start = await client.get(`${stack.bff.url}/auth/login?returnTo=%2Faccount`);
    if (start.status !== 302) return start;
    const callback = await client.get(await completeTenantLogin(client, start.location as string, DEMO_USER));
    expect(callback.status).toBe(302);
    client.setCookie(stack.bff.url, '__Host-bff', 'lost-on-arrival');
    expect(await signedIn(client)).toBe(false);
    return undefined;
  }

  function expectBreakerPage(res: ClientResponse): void {
    expect(res.status).toBe(429);
    expect(res.location).toBeFalsy();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(WINDOW_SECONDS);
    expect(res.body).toContain('<h1>Sign-in keeps restarting</h1>');
    expect(res.body).toContain('What to check');
    expect(res.body).toContain('Cookies are allowed for this site');
    expect(res.body).toContain('href="/auth/login?returnTo=%2Faccount"');
  }

  it('stops a browser going round login, tenant and callback, lets other browsers in, and lets it in again after the window', async () => {
    const looping = new CookieClient();
    let stopped: ClientResponse | undefined;
    let rounds = 0;
    while (!stopped && rounds <= MAX_STARTS + 1) {
      stopped = await loopRound(looping);
      if (!stopped) rounds += 1;
    }
    expect(rounds).toBe(MAX_STARTS);
    expectBreakerPage(stopped as ClientResponse);

    // Asking again while the window lasts: still the page, and no login transaction is started for it.
    const again = await looping.get(`${stack.bff.url}/auth/login?returnTo=%2Faccount`);
    expectBreakerPage(again);
    expect(again.headers.getSetCookie().filter((c) => c.startsWith('__Host-bff-tx'))).toEqual([]);

    // Another browser is not affected.
    const other = new CookieClient();
    expect((await loginThroughBff(other, stack.bff.url)).status).toBe(302);
    expect(await signedIn(other)).toBe(true);

    // Once the window has passed (Retry-After), the same browser signs in again.
    await new Promise((resolve) =>
      setTimeout(resolve, Number(again.headers.get('retry-after')) * 1000 + 500),
    );
    expect((await loginThroughBff(looping, stack.bff.url)).status).toBe(302);
    expect(await signedIn(looping)).toBe(true);
  });

  it('counts per browser: another cookie jar starting logins at the same time is let through', async () => {
    const first = new CookieClient();
    const second = new CookieClient();
    for (let i = 0; i < MAX_STARTS; i++) {
      expect((await first.get(`${stack.bff.url}/auth/login`)).status).toBe(302);
      expect((await second.get(`${stack.bff.url}/auth/login`)).status).toBe(302);
    }
    expect((await first.get(`${stack.bff.url}/auth/login`)).status).toBe(429);
    expect((await second.get(`${stack.bff.url}/auth/login`)).status).toBe(429);
    expect((await new CookieClient().get(`${stack.bff.url}/auth/login`)).status).toBe(302);
  });

  it('creates no Redis key for requests that do not start a login', async () => {
    const before = await keys();
    const anonymous = new CookieClient();
    const answers = [
      await anonymous.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } }),
      await anonymous.get(`${stack.bff.url}/healthz`),
      await anonymous.get(`${stack.bff.url}/auth/callback?code=x&state=${'s'.repeat(43)}`),
      await anonymous.get(`${stack.bff.url}/auth/login?prompt=evil`),
      await anonymous.get(`${stack.bff.url}/api/me/v1/authentication-methods`, {
        headers: { 'x-csrf': '1' },
      }),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 200, 400, 400, 401]);
    expect(await keys()).toEqual(before);
  });

  it('a started login writes no Redis key: its transaction and the browser count are cookies', async () => {
    const before = await keys();
    const client = new CookieClient();
    const start = await client.get(`${stack.bff.url}/auth/login`);
    expect(start.status).toBe(302);
    expect(await keys()).toEqual(before);
    const set = start.headers.getSetCookie();
    expect(set.filter((c) => c.startsWith('__Host-bff-tx.'))).toHaveLength(1);
    const counter = set.find((c) => c.startsWith('__Host-bff-tx-loop=')) as string;
    const maxAge = Number(/Max-Age=(\d+)/i.exec(counter)?.[1]);
    expect(maxAge).toBeGreaterThanOrEqual(WINDOW_SECONDS);
  });

  it('a forged or tampered count cookie counts as none (a fresh window), never as an error', async () => {
    const client = new CookieClient();
    client.setCookie(stack.bff.url, '__Host-bff-tx-loop', 'v1.test1.AAAA.AAAA.AAAA');
    expect((await client.get(`${stack.bff.url}/auth/login`)).status).toBe(302);
  });
});
