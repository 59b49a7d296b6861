import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { DEFAULT_LOOP_GUARD } from '../../src/step-up/loop-guard.js';
import { loginThroughBff, MFA_ACR } from '../support/bff.js';
import { CookieClient, type ClientResponse } from '../support/cookie-client.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER, DEMO_TOTP_SECRET } from '../support/seed-users.js';

jest.setTimeout(90_000);

const STEP_UP_URL = `/auth/login?${new URLSearchParams({ acr_values: MFA_ACR, max_age: '300', returnTo: '/account' })}`;

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return {
    bff: {
      oidcFetch: tamper.fetch,
      // The login-loop breaker is not the subject here: these browsers start many logins on purpose.
      configure: (config) => {
        (config.auth as Record<string, unknown>).loginLoop = { maxStarts: 50, windowSeconds: 60 };
      },
    },
  };
};

/**
 * The step-up loop guard (RFC 9470 §5, SU-7, docs/security.md#attack-matrix F5): step-up logins that keep
 * coming back without MFA end on a clear page, never in another redirect; `unmet_authentication_requirements`
 * too. The tenant honours `acr_values`, so an IdP ignoring them is played by removing them from /authorize.
 */
describeWithStack('Step-up loop guard', stackOptions, (stack) => {
  let raw: Redis;

  beforeAll(async () => {
    raw = stack.redis.client();
  });
  afterEach(() => {
    tamper.rewrite = undefined;
  });
  afterAll(async () => {
    await raw?.quit();
  });

  const stepUpRecords = async () => (await raw.keys(`${stack.bff.config.session.keyPrefix}{stepup:*`)).length;

  async function session(client: CookieClient) {
    const res = await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
    return {
      status: res.status,
      body: res.status === 200 ? res.json<{ mfa: { last_mfa_at: string | null } }>() : undefined,
    };
  }

  async function signedIn(): Promise<CookieClient> {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
    return client;
  }

  /** A step-up login at an IdP that ignores acr_values: the callback's answer. */
  async function stepUpWithoutMfa(client: CookieClient): Promise<ClientResponse> {
    const start = await client.get(`${stack.bff.url}${STEP_UP_URL}`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location as string);
    expect(authorize.searchParams.get('acr_values')).toBe(MFA_ACR);
    authorize.searchParams.delete('acr_values');
    return client.get(await completeTenantLogin(client, authorize, DEMO_USER));
  }

  function expectGuardPage(res: ClientResponse): void {
    expect(res.status).toBe(429);
    expect(res.location).toBeFalsy();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(DEFAULT_LOOP_GUARD.windowSeconds);
    expect(res.body).toContain('<h1>Extra verification keeps failing</h1>');
    expect(res.body).toContain('What to check');
    expect(res.body).toContain('href="/account"');
  }

  it(`after ${DEFAULT_LOOP_GUARD.maxAttempts} step-ups without MFA the next one gets the page, not a redirect; the session stays as it was`, async () => {
    const client = await signedIn();
    for (let i = 0; i < DEFAULT_LOOP_GUARD.maxAttempts; i++) {
      const refused = await stepUpWithoutMfa(client);
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('did not include the required second factor');
    }
    for (let i = 0; i < 2; i++) {
      const refused = await client.get(`${stack.bff.url}${STEP_UP_URL}`);
      expectGuardPage(refused);
      // No login transaction is started for a refused step-up.
      expect(refused.headers.getSetCookie().filter((c) => c.startsWith('__Host-bff-tx.'))).toEqual([]);
    }

    // Still signed in, and no MFA was recorded along the way.
    expect(await session(client)).toEqual({
      status: 200,
      body: expect.objectContaining({ mfa: expect.objectContaining({ last_mfa_at: null }) }),
    });
    // A plain login is not a step-up: not held back by this guard.
    expect((await client.get(`${stack.bff.url}/auth/login?returnTo=%2Faccount`)).status).toBe(302);
    // Another session of the same user is not affected.
    const other = await signedIn();
    expect((await other.get(`${stack.bff.url}${STEP_UP_URL}`)).status).toBe(302);
  });

  it('a step-up that meets its requirement clears the record of the session that asked', async () => {
    const client = await signedIn();
    const before = await stepUpRecords();
    expect((await stepUpWithoutMfa(client)).status).toBe(400);
    expect(await stepUpRecords()).toBe(before + 1);

    const start = await client.get(`${stack.bff.url}${STEP_UP_URL}`);
    const callback = await completeTenantLogin(client, start.location as string, {
      ...DEMO_USER,
      otp: () => totpNow(DEMO_TOTP_SECRET),
    });
    const done = await client.get(callback);
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${stack.bff.url}/account`);
    expect((await session(client)).body?.mfa.last_mfa_at).toEqual(expect.any(String));
    expect(await stepUpRecords()).toBe(before);

    // The new session may step up again (the tenant's SSO now carries MFA, so this one is met at once).
    expect((await client.get(`${stack.bff.url}${STEP_UP_URL}`)).status).toBe(302);
  });

  it('error=unmet_authentication_requirements at the callback: a clear 400 page, the state spent, the session kept', async () => {
    const client = await signedIn();
    const start = await client.get(`${stack.bff.url}${STEP_UP_URL}`);
    const state = new URL(start.location as string).searchParams.get('state') as string;
    const query = new URLSearchParams({ error: 'unmet_authentication_requirements', state });
    const res = await client.get(`${stack.bff.url}/auth/callback?${query}`);
    expect(res.status).toBe(400);
    expect(res.location).toBeFalsy();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).toContain('could not verify you the way this action requires');
    expect(res.body).toContain('href="/auth/login"');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff='))).toBe(false);
    // The transaction is spent: its cookie cleared, the callback refused if replayed.
    expect(res.headers.getSetCookie().filter((c) => /^__Host-bff-tx\.[^=]+=;/.test(c))).toHaveLength(1);
    const replay = await client.get(
      `${stack.bff.url}/auth/callback?${new URLSearchParams({ code: 'x', state })}`,
    );
    expect(replay.status).toBe(400);
    expect((await session(client)).status).toBe(200);
  });

  it('a recent-login step-up (max_age only) answered with an old auth_time: refused each time, then the page', async () => {
    const client = await signedIn();
    const url = `${stack.bff.url}/auth/login?${new URLSearchParams({ max_age: '60', returnTo: '/account' })}`;
    // An IdP that ignores max_age: the ID token says the user last authenticated an hour ago.
    tamper.rewrite = ({ claims }) =>
      tamper.sign({ ...claims, auth_time: Math.floor(Date.now() / 1000) - 3600 });
    for (let i = 0; i < DEFAULT_LOOP_GUARD.maxAttempts; i++) {
      const start = await client.get(url);
      expect(start.status).toBe(302);
      const refused = await client.get(
        await completeTenantLogin(client, start.location as string, DEMO_USER),
      );
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    }
    expectGuardPage(await client.get(url));
    expect((await session(client)).status).toBe(200);
  });
});
