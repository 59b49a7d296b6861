import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MAX_PARALLEL_LOGINS } from '../../src/auth/login-transaction-cookies.js';
import { CookieClient } from '../support/cookie-client.js';
import { describeWithStack } from '../support/stack.js';
import { completeTenantLogin } from '../support/tenant-login.js';
import { DEMO_USER } from '../support/seed-users.js';

const TX_PREFIX = '__Host-bff-tx.';

/**
 * Login initiation writes nothing to Redis (RED-12): the transaction lives in its own encrypted
 * `__Host-` cookie per state, the loop breaker's count in another. Only a callback that presents a sealed
 * transaction writes one key: its spent state, until the transaction would have expired.
 */
describeWithStack('GET /auth/login: bounded, no store entry before the callback', {}, (stack) => {
  let raw: Redis;

  beforeAll(async () => {
    raw = stack.redis.client();
  });
  afterAll(async () => {
    await raw?.quit();
  });

  /** The BFF's keys (the tenant shares this Redis under its own prefix). */
  const keys = async () => (await raw.keys(`${stack.bff.config.session.keyPrefix}*`)).sort();
  const txCookies = (client: CookieClient) =>
    Object.entries(client.cookies(stack.bff.url)).filter(([name]) => name.startsWith(TX_PREFIX));
  const cookieHeader = (cookies: Array<[string, string]>) => cookies.map(([n, v]) => `${n}=${v}`).join('; ');

  // 1,000 requests each: minutes on a busy machine, not a race being waited out.
  it('1,000 anonymous starts from one client write no Redis key', async () => {
    const before = await keys();
    const statuses = new Map<number, number>();
    for (let batch = 0; batch < 50; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => fetch(`${stack.bff.url}/auth/login`, { redirect: 'manual' })),
      );
      for (const res of answers) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        await res.arrayBuffer();
      }
    }
    expect(Object.fromEntries(statuses)).toEqual({ 302: 1000 });
    expect(await keys()).toEqual(before);
  }, 300_000);

  it('1,000 starts by one cookie-keeping browser: no Redis key, the loop page, a bounded cookie jar', async () => {
    const before = await keys();
    const browser = new CookieClient();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 1000; i++) {
      const res = await browser.get(`${stack.bff.url}/auth/login`);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    const { maxStarts } = stack.bff.config.auth.loginLoop;
    expect(Object.fromEntries(statuses)).toEqual({ 302: maxStarts, 429: 1000 - maxStarts });
    expect(txCookies(browser).length).toBeLessThanOrEqual(MAX_PARALLEL_LOGINS);
    expect(await keys()).toEqual(before);
  }, 300_000);

  it('keeps at most MAX_PARALLEL_LOGINS transactions per browser, dropping the oldest', async () => {
    const browser = new CookieClient();
    const states: string[] = [];
    for (let i = 0; i < MAX_PARALLEL_LOGINS + 1; i++) {
      const start = await browser.get(`${stack.bff.url}/auth/login`);
      states.push(new URL(start.location as string).searchParams.get('state') as string);
    }
    expect(txCookies(browser)).toHaveLength(MAX_PARALLEL_LOGINS);
    // The newest finishes; the oldest was dropped.
    const newest = await browser.get(
      `${stack.bff.url}/auth/callback?${new URLSearchParams({ code: 'x', state: states[0] })}`,
    );
    expect(newest.status).toBe(400);
    expect(newest.body).toContain('started in another browser');
  });

  it('two tabs log in in parallel, finishing in either order', async () => {
    const browser = new CookieClient();
    const first = await browser.get(`${stack.bff.url}/auth/login?returnTo=%2Ffirst`);
    const second = await browser.get(`${stack.bff.url}/auth/login?returnTo=%2Fsecond`);
    const secondDone = await browser.get(
      await completeTenantLogin(browser, second.location as string, DEMO_USER),
    );
    expect([secondDone.status, secondDone.location]).toEqual([302, `${stack.bff.url}/second`]);
    const firstDone = await browser.get(
      await completeTenantLogin(browser, first.location as string, DEMO_USER),
    );
    expect([firstDone.status, firstDone.location]).toEqual([302, `${stack.bff.url}/first`]);
    expect(txCookies(browser)).toHaveLength(0);
  });

  it('a callback works once: replaying it with a copy of the transaction cookie fails, and leaves one marker', async () => {
    const browser = new CookieClient();
    const start = await browser.get(`${stack.bff.url}/auth/login`);
    const callback = await completeTenantLogin(browser, start.location as string, DEMO_USER);
    const copy = cookieHeader(txCookies(browser));
    const before = await keys();
    expect((await browser.get(callback)).status).toBe(302);
    const added = (await keys()).filter(
      (k) => !before.includes(k) && !k.includes(':sess') && !k.includes(':tokens'),
    );
    const replay = await fetch(callback, { headers: { cookie: copy }, redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already used');
    const marker = added.filter((k) => !k.includes('sessions'));
    expect(marker).toHaveLength(1);
    const ttl = await raw.ttl(marker[0]);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(stack.bff.config.oidc.loginTransactionTtlSeconds);
  });

  it('refuses a look-alike (NBSP-prefixed), a tampered or a renamed transaction cookie', async () => {
    const browser = new CookieClient();
    const start = await browser.get(`${stack.bff.url}/auth/login`);
    const other = await browser.get(`${stack.bff.url}/auth/login`);
    const callback = await completeTenantLogin(browser, start.location as string, DEMO_USER);
    const state = new URL(start.location as string).searchParams.get('state') as string;
    const otherState = new URL(other.location as string).searchParams.get('state') as string;
    const byState = txCookies(browser);
    const [mine, theirs] = [state, otherState].map(
      (s) => byState.find(([name]) => name === nameOf(s, byState)) as [string, string],
    );
    const attempts = [
      `\u00a0${mine[0]}=${mine[1]}`,
      `${mine[0]}=${mine[1].slice(0, -2)}AA`,
      `${mine[0]}=${theirs[1]}`,
    ];
    for (const cookie of attempts) {
      const res = await fetch(callback, { headers: { cookie }, redirect: 'manual' });
      expect({ cookie: cookie.slice(0, 12), status: res.status }).toEqual({
        cookie: cookie.slice(0, 12),
        status: 400,
      });
      expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff='))).toBe(false);
    }
    // The real cookie still works afterwards (none of the attempts spent the state).
    expect((await browser.get(callback)).status).toBe(302);
  });
});

/** The transaction cookie of `state` among the browser's ones (the BFF names it by a hash of the state). */
function nameOf(state: string, cookies: Array<[string, string]>): string {
  const hash = createHash('sha256').update(state).digest('base64url').slice(0, 16);
  return cookies.map(([name]) => name).find((name) => name === `${TX_PREFIX}${hash}`) as string;
}
