import { jest } from '@jest/globals';
import { MFA_ACR } from '../support/bff.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';
import { isNonceChallenge } from './support/upstream-hop.js';
import { expectModeOnEveryCall, schemeOf, TOKEN_MODES, withTokenMode } from './support/token-modes.js';

jest.setTimeout(60_000);

const MFA_HEADER =
  'Bearer error="insufficient_user_authentication", error_description="A multi-factor authentication within ' +
  `the last 300 seconds is required", acr_values="${MFA_ACR}", max_age=300`;
const MFA_LOGIN_URL = `/auth/login?${new URLSearchParams({ acr_values: MFA_ACR, max_age: '300', returnTo: '/' })}`;
const MFA_PROBLEM = {
  type: 'about:blank',
  title: 'Unauthorized',
  status: 401,
  detail: 'A multi-factor authentication within the last 300 seconds is required',
  code: 'insufficient_user_authentication',
  acr_values: MFA_ACR,
  max_age: 300,
  login_url: MFA_LOGIN_URL,
};

/**
 * Step-up through the proxy (docs/architecture.md#the-my-account-proxy, RFC 9470,
 * docs/security.md#attack-matrix F) against the real tenant's login and MFA pages, once with Bearer and once
 * with DPoP-bound upstream tokens. The browser-facing challenge is the BFF's own (`Bearer`, for the cookie
 * session) in both; the upstream's challenges use the mode's scheme.
 */
describe.each(TOKEN_MODES)('Step-up on the proxy (%s)', (mode) => {
  const demo = userNamed('stepup-demo');
  const stepper = userNamed('stepup-stepper');
  const newcomer = userNamed('stepup-newcomer', false);
  let stack: GatewayStack;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    stack = await GatewayStack.start(withTokenMode(mode, { users: [demo, stepper, newcomer] }));
  });
  afterAll(async () => {
    try {
      expectModeOnEveryCall(mode, stack.hop.seen);
      expectNoTokenIn(stack.responses, stack.tamper.issued);
    } finally {
      await stack?.close();
    }
  });

  async function totpIdOf(client: RecordingClient): Promise<string> {
    const list = await client.api(stack.url, 'GET', '/authentication-methods');
    const methods = list.json<{ authentication_methods: Array<{ id: string; type: string }> }>();
    return methods.authentication_methods.find((m) => m.type === 'totp')!.id;
  }

  /** Expects the exact RFC 9470 answer and that the upstream saw nothing while it was given. */
  async function expectChallenge(client: RecordingClient, method: string, path: string, body?: unknown) {
    const before = stack.hop.seen.length;
    const res = await client.api(stack.url, method, path, body);
    expect(stack.hop.seen.length).toBe(before);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    return res;
  }

  it('F1: a DELETE without MFA gets the exact challenge and problem, and the upstream sees nothing', async () => {
    const client = await stack.signIn(demo);
    const id = await totpIdOf(client);
    const res = await expectChallenge(client, 'DELETE', `/authentication-methods/${enc(id)}`);
    expect(res.headers.get('www-authenticate')).toBe(MFA_HEADER);
    expect(res.json()).toEqual(MFA_PROBLEM);
  });

  it('F7: following login_url through the MFA page unlocks the DELETE, with a new session id', async () => {
    const client = await stack.signIn(stepper);
    const id = await totpIdOf(client);
    const problem = (await expectChallenge(client, 'DELETE', `/authentication-methods/${enc(id)}`)).json<{
      login_url: string;
    }>();
    const oldCookie = client.cookies(stack.url)['__Host-bff'];

    const start = await client.get(`${stack.url}${problem.login_url}`);
    expect(start.status).toBe(302);
    const authorize = new URL(start.location as string);
    expect(authorize.searchParams.get('acr_values')).toBe(MFA_ACR);
    expect(authorize.searchParams.get('max_age')).toBe('300');
    const callback = await completeTenantLogin(client, authorize, {
      username: stepper.email,
      password: stepper.password,
      otp: () => totpNow(stepper.totpSecret!),
    });
    const back = await client.get(callback);
    expect(back.status).toBe(302);
    expect(back.location).toBe(`${stack.url}/`);

    const newCookie = client.cookies(stack.url)['__Host-bff'];
    expect(stack.sessionId(client)).not.toBe(decodeURIComponent(oldCookie).slice(2).split('.')[0]);
    const before = stack.hop.actedOn('/authentication-methods').length;
    const deleted = await client.api(stack.url, 'DELETE', `/authentication-methods/${enc(id)}`);
    expect(deleted.status).toBe(204);
    expect(stack.hop.actedOn('/authentication-methods').length).toBe(before + 1);

    // The cookie from before the step-up is dead.
    client.setCookie(stack.url, '__Host-bff', oldCookie);
    expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(401);
    client.setCookie(stack.url, '__Host-bff', newCookie);
  });

  it('F5: a login at that URL that skipped MFA does not unlock it', async () => {
    const client = await stack.signIn(demo);
    const id = await totpIdOf(client);
    const start = await client.get(`${stack.url}${MFA_LOGIN_URL}`);
    const authorize = new URL(start.location as string);
    authorize.searchParams.delete('acr_values'); // the tenant then asks for no second factor
    const callback = await completeTenantLogin(client, authorize, {
      username: demo.email,
      password: demo.password,
    });
    const refused = await client.get(callback);
    expect(refused.status).toBe(400);
    const res = await expectChallenge(client, 'DELETE', `/authentication-methods/${enc(id)}`);
    expect(res.headers.get('www-authenticate')).toBe(MFA_HEADER);
  });

  it('first factor: a user without one enrolls a TOTP after a recent login, but cannot rename or delete it without MFA', async () => {
    const client = await stack.signIn(newcomer);
    const lookups = stack.hop.actedOn('/authentication-methods').filter((r) => r.method === 'GET').length;
    const started = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
    // The BFF asked the API which factors the user has, with the user's own token, before the POST.
    const gets = stack.hop.actedOn('/authentication-methods').filter((r) => r.method === 'GET');
    expect(gets.length).toBe(lookups + 1);
    expect(gets.at(-1)?.headers.authorization).toMatch(new RegExp(`^${schemeOf(mode)} `));
    const { id, auth_session, manual_input_code } = started.json<Record<string, string>>();
    const verified = await client.api(stack.url, 'POST', `/authentication-methods/${enc(id)}/verify`, {
      auth_session,
      otp_code: totpNow(manual_input_code),
    });
    expect(verified.status).toBe(201);

    for (const [method, body] of [
      ['PATCH', { name: 'Mine' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await client.api(stack.url, method, `/authentication-methods/${enc(id)}`, body);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(MFA_HEADER);
    }
    // Now that a factor exists, a second enrollment needs MFA as well (the remembered fact was dropped).
    const second = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'totp' });
    expect(second.status).toBe(401);
    expect(second.json()).toMatchObject({ acr_values: MFA_ACR, max_age: 300 });
  });

  it('F3: an upstream RFC 9470 challenge becomes the same step-up answer, its header never relayed', async () => {
    const client = await stack.signIn(demo);
    stack.hop.override = (_req, res) => {
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': `${schemeOf(mode)} error="insufficient_user_authentication", acr_values="${MFA_ACR}", max_age=120`,
      });
      res.end(JSON.stringify({ error: 'insufficient_user_authentication' }));
      return true;
    };
    try {
      const res = await client.api(stack.url, 'GET', '/factors');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        'Bearer error="insufficient_user_authentication", error_description="A multi-factor authentication ' +
          `within the last 120 seconds is required", acr_values="${MFA_ACR}", max_age=120`,
      );
      expect(res.json()).toMatchObject({
        code: 'insufficient_user_authentication',
        acr_values: MFA_ACR,
        max_age: 120,
        login_url: `/auth/login?${new URLSearchParams({ acr_values: MFA_ACR, max_age: '120', returnTo: '/' })}`,
      });
    } finally {
      stack.hop.override = undefined;
    }
  });

  it('F4: an upstream challenge for an acr the BFF does not allow is a 502, never a redirect', async () => {
    const client = await stack.signIn(demo);
    stack.hop.override = (_req, res) => {
      res.writeHead(401, {
        'www-authenticate': `${schemeOf(mode)} error="insufficient_user_authentication", acr_values="urn:evil", max_age=1`,
      });
      res.end();
      return true;
    };
    try {
      const res = await client.api(stack.url, 'GET', '/factors');
      expect(res.status).toBe(502);
      expect(res.json()).toMatchObject({ code: 'upstream_unavailable' });
      expect(res.json()).not.toHaveProperty('login_url');
    } finally {
      stack.hop.override = undefined;
    }
  });

  it("Auth0's mfa_required on refresh becomes the step-up answer; the session is kept", async () => {
    const client = await stack.signIn(demo);
    await stack.expireAccessToken(client);
    stack.tokenAnswer = () =>
      Response.json(
        { error: 'mfa_required', error_description: 'Multifactor authentication required' },
        { status: 403 },
      );
    try {
      const before = stack.hop.seen.length;
      const res = await client.api(stack.url, 'GET', '/factors');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(MFA_HEADER);
      expect(res.json()).toEqual(MFA_PROBLEM);
      expect(stack.hop.seen.length).toBe(before);
    } finally {
      stack.tokenAnswer = undefined;
    }
    expect((await client.get(`${stack.url}/api/session`)).status).toBe(200);
    expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(200);
  });
});

/** The first-factor rule when the login itself is old: a plain re-login is asked for (no MFA it could not pass). */
describe.each(TOKEN_MODES)('Step-up on the proxy: first factor after an old login (%s)', (mode) => {
  const MAX_AGE = 4;
  const newcomer = userNamed('stepup-late-newcomer', false);
  let stack: GatewayStack;

  beforeAll(async () => {
    stack = await GatewayStack.start(
      withTokenMode(mode, {
        users: [newcomer],
        configure: (config) => {
          config.stepUp = { ...config.stepUp, maxAgeSeconds: MAX_AGE };
        },
      }),
    );
  });
  afterAll(async () => {
    try {
      expectModeOnEveryCall(mode, stack.hop.seen);
      expectNoTokenIn(stack.responses, stack.tamper.issued);
    } finally {
      await stack?.close();
    }
  });

  it('asks for a recent login (max_age, no acr_values); after it, the first TOTP can be enrolled', async () => {
    const client = await stack.signIn(newcomer);
    await new Promise((r) => setTimeout(r, (MAX_AGE + 1.5) * 1000)); // the login is now too old
    const before = stack.hop.seen.length;
    const refused = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'totp' });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A recent login within the last ' +
        `${MAX_AGE} seconds is required", max_age=${MAX_AGE}`,
    );
    const problem = refused.json<Record<string, unknown>>();
    expect(problem).not.toHaveProperty('acr_values');
    expect(problem).toMatchObject({ code: 'insufficient_user_authentication', max_age: MAX_AGE });
    expect(problem.login_url).toBe(`/auth/login?max_age=${MAX_AGE}&returnTo=%2F`);
    // Only the factor lookup reached the API, never the POST (with DPoP, the first call of a run is sent
    // twice: the tenant refuses it once to hand out its nonce, RFC 9449 §9).
    const reached = stack.hop.seen.slice(before).filter((r) => !isNonceChallenge(r));
    expect(reached.map((r) => r.method)).toEqual(['GET']);

    const start = await client.get(`${stack.url}${problem.login_url as string}`);
    const callback = await completeTenantLogin(client, start.location as string, {
      username: newcomer.email,
      password: newcomer.password,
    });
    expect((await client.get(callback)).status).toBe(302);
    const started = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'totp' });
    expect(started.status).toBe(202);
  });
});
