import type { ConfigInput } from '../../src/config/config.schema.js';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { decodeJwt } from 'jose';
import type { PasskeyChallengeResponse } from '../../src/embedded-login/passkey-login.service.js';
import type { ProblemBody, SessionInfo } from '../../src/public-api.types.js';
import { SessionService } from '../../src/session/session.service.js';
import { loginThroughBff, MFA_ACR, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { createMyAccountClient } from '../support/my-account-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { createSoftAuthenticator, type SoftAuthenticator } from '../support/soft-authenticator.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { FRESH, DEMO_USER } from '../support/seed-users.js';

const ALWAYS = { username: 'always@example.com', password: 'Always-password-1' };
const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const roomy = (c: ConfigInput) => {
  c.rateLimit = { 'embedded-login': { limit: 1000 }, 'password-login': { limit: 1000 } };
};

describe('embedded login: passkey and password at /api/login/*', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;
  let withPassword: TestBff;
  let dpop: TestBff;
  let authenticator: SoftAuthenticator;

  beforeAll(async () => {
    redis = await startTestRedis();
    const port = await freePort();
    tenant = await startTestTenant({
      redisUrl: redis.url,
      bffOrigin: `http://localhost:${port}`,
      configure: (c) => {
        c.users.push({ ...c.users[0], email: ALWAYS.username, password: ALWAYS.password, mfa: 'always' });
      },
    });
    bff = await startTestBff({ port, issuer: tenant.issuer, redisUrl: redis.url, configure: roomy });
    withPassword = await startTestBff({
      issuer: tenant.issuer,
      redisUrl: redis.url,
      configure: (c) => {
        roomy(c);
        c.auth.passwordLogin.enabled = true;
      },
    });
    dpop = await startTestBff({
      issuer: tenant.issuer,
      redisUrl: redis.url,
      configure: (c) => {
        roomy(c);
        c.auth.passwordLogin.enabled = true;
        c.myAccount.tokenType = 'dpop';
      },
    });
    authenticator = createSoftAuthenticator();
    await enrollPasskey(tenant, authenticator, bff.url);
  });
  afterAll(async () => {
    await bff?.close();
    await withPassword?.close();
    await dpop?.close();
    await tenant?.close();
    await redis?.close();
  });

  /** What the page sends: the CSRF header, its own origin (and the browser's fetch metadata), JSON. */
  const headers = (target: TestBff = bff) => ({
    'x-csrf': '1',
    origin: target.url,
    'sec-fetch-site': 'same-origin',
    'content-type': 'application/json',
  });
  const challenge = (client: CookieClient) =>
    client.post(`${bff.url}/api/login/passkey/challenge`, { headers: headers(), body: '{}' });
  const session = (client: CookieClient, target: TestBff = bff) =>
    client.get(`${target.url}/api/session`, { headers: { 'x-csrf': '1' } });

  async function passkeyLogin(client: CookieClient) {
    const started = (await challenge(client)).json<PasskeyChallengeResponse>();
    const options = started.authn_params_public_key as PublicKeyCredentialRequestOptionsJSON;
    const assertion = await authenticator.authenticate(options, bff.url);
    const res = await client.post(`${bff.url}/api/login/passkey`, {
      headers: headers(),
      json: { handle: started.handle, authn_response: assertion },
    });
    return { res, started, assertion };
  }

  describe('passkey', () => {
    it('challenge: WebAuthn request options and an opaque handle; auth_session stays server-side', async () => {
      const client = new CookieClient();
      const res = await challenge(client);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const body = res.json<PasskeyChallengeResponse>();
      expect(Object.keys(body).sort()).toEqual(['authn_params_public_key', 'handle']);
      expect(body.handle).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(body.authn_params_public_key).toMatchObject({
        rpId: 'localhost',
        userVerification: 'preferred',
      });
      expect(res.body).not.toContain('auth_session');
      const binding = res.headers.getSetCookie().find((c) => c.startsWith('__Host-'));
      expect(binding).toMatch(/HttpOnly/i);
      expect(binding).toMatch(/Secure/i);
      expect(binding).toMatch(/SameSite=Lax/i);
      // No session yet: a challenge is not a login.
      expect((await session(client)).status).toBe(401);
    });

    it('logs in with the passkey: 200 SessionInfo, a session cookie, no MFA recorded (amr webauthn)', async () => {
      const client = new CookieClient({ 'user-agent': 'passkey-agent' });
      const { res } = await passkeyLogin(client);
      expect(res.status).toBe(200);
      expect(res.body).not.toMatch(/eyJ|auth_session|refresh/);
      const info = res.json<SessionInfo>();
      expect(info.user).toMatchObject({ email: FRESH.email });
      expect(info.mfa.last_mfa_at).toBeNull();
      expect(info.scopes).toEqual(expect.arrayContaining(['create:me:authentication_methods']));
      const cookie = res.headers
        .getSetCookie()
        .find((c) => c.startsWith(`${bff.config.session.cookieName}=`));
      expect(cookie).toMatch(/HttpOnly/i);
      const now = (await session(client)).json<SessionInfo>();
      expect(now.user.email).toBe(FRESH.email);
      expect(now.session.id_hint).toBe(info.session.id_hint);
    });

    it('stores My Account tokens for the session (audience and scopes work at the tenant)', async () => {
      const client = new CookieClient();
      expect((await passkeyLogin(client)).res.status).toBe(200);
      const signed = decodeURIComponent(client.cookies(bff.url)[bff.config.session.cookieName]);
      const sid = signed.slice(2, signed.lastIndexOf('.'));
      const record = await bff.app.get(SessionService).readTokens(sid);
      expect(record?.tokens.refreshToken).toBeTruthy();
      const api = createMyAccountClient({
        baseUrl: `${tenant.issuer}me/v1`,
        accessToken: record!.tokens.accessToken,
      });
      const methods = await api.listMethods();
      expect(methods.map((m) => m.type)).toContain('passkey');
    });

    it('replaces an existing session with a new id (the old cookie is dead)', async () => {
      const client = new CookieClient();
      expect((await loginThroughBff(client, bff.url)).status).toBe(302);
      const name = bff.config.session.cookieName;
      const before = client.cookies(bff.url)[name];
      expect((await session(client)).json<SessionInfo>().user.email).toBe(DEMO_USER.username);
      expect((await passkeyLogin(client)).res.status).toBe(200);
      const after = client.cookies(bff.url)[name];
      expect(after).not.toBe(before);
      expect((await session(client)).json<SessionInfo>().user.email).toBe(FRESH.email);
      const old = new CookieClient();
      old.setCookie(bff.url, name, before);
      expect((await session(old)).status).toBe(401);
    });

    it('a handle works once: a replay is a 400 problem and creates no session', async () => {
      const client = new CookieClient();
      const { res, started } = await passkeyLogin(client);
      expect(res.status).toBe(200);
      const replayer = new CookieClient();
      for (const [k, v] of Object.entries(client.cookies(bff.url)))
        if (k !== bff.config.session.cookieName) replayer.setCookie(bff.url, k, v);
      const assertion = await authenticator.authenticate(
        started.authn_params_public_key as PublicKeyCredentialRequestOptionsJSON,
        bff.url,
      );
      const replay = await replayer.post(`${bff.url}/api/login/passkey`, {
        headers: headers(),
        json: { handle: started.handle, authn_response: assertion },
      });
      expect(replay.status).toBe(400);
      expect(replay.json<ProblemBody>()).toMatchObject({ code: 'invalid_request' });
      expect((await session(replayer)).status).toBe(401);
    });

    it('a tampered assertion is a 401 problem and creates no session', async () => {
      const client = new CookieClient();
      const started = (await challenge(client)).json<PasskeyChallengeResponse>();
      const assertion = await authenticator.authenticate(
        started.authn_params_public_key as PublicKeyCredentialRequestOptionsJSON,
        bff.url,
      );
      const signature = Buffer.from(assertion.response.signature, 'base64url');
      signature[signature.length - 1] ^= 0xff;
      assertion.response.signature = signature.toString('base64url');
      const res = await client.post(`${bff.url}/api/login/passkey`, {
        headers: headers(),
        json: { handle: started.handle, authn_response: assertion },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.json<ProblemBody>()).toMatchObject({
        code: 'login_required',
        detail: 'The passkey could not be verified.',
      });
      expect((await session(client)).status).toBe(401);
    });

    it('an assertion made for another origin is refused', async () => {
      const client = new CookieClient();
      const started = (await challenge(client)).json<PasskeyChallengeResponse>();
      const options = started.authn_params_public_key as PublicKeyCredentialRequestOptionsJSON;
      const assertion = await authenticator.authenticate(options, 'http://localhost:1');
      const res = await client.post(`${bff.url}/api/login/passkey`, {
        headers: headers(),
        json: { handle: started.handle, authn_response: assertion },
      });
      expect(res.status).toBe(401);
      expect((await session(client)).status).toBe(401);
    });

    it('a handle started in another browser (no binding cookie) is refused', async () => {
      const starter = new CookieClient();
      const started = (await challenge(starter)).json<PasskeyChallengeResponse>();
      const assertion = await authenticator.authenticate(
        started.authn_params_public_key as PublicKeyCredentialRequestOptionsJSON,
        bff.url,
      );
      const other = new CookieClient();
      const res = await other.post(`${bff.url}/api/login/passkey`, {
        headers: headers(),
        json: { handle: started.handle, authn_response: assertion },
      });
      expect(res.status).toBe(400);
      expect(res.json<ProblemBody>().detail).toContain('another browser');
      expect((await session(other)).status).toBe(401);
    });

    it.each([
      [{ handle: 'x', authn_response: {} }, 'handle'],
      [{ handle: 'A'.repeat(43) }, 'authn_response'],
      [
        {
          handle: 'A'.repeat(43),
          authn_response: { id: 'a', rawId: 'a', type: 'public-key', response: {} },
          extra: 1,
        },
        'extra',
      ],
      [[1, 2], 'body'],
    ])('refuses a malformed body %j with a 400 naming %s', async (body, named) => {
      const res = await new CookieClient().post(`${bff.url}/api/login/passkey`, {
        headers: headers(),
        json: body,
      });
      expect(res.status).toBe(400);
      expect(res.json<ProblemBody>()).toMatchObject({ code: 'invalid_request' });
      expect(res.json<ProblemBody>().detail).toContain(named);
    });

    it('refuses malformed JSON and a challenge with parameters (400)', async () => {
      const bad = await new CookieClient().post(`${bff.url}/api/login/passkey`, {
        headers: headers(),
        body: '{"handle":',
      });
      expect(bad.status).toBe(400);
      const params = await new CookieClient().post(`${bff.url}/api/login/passkey/challenge`, {
        headers: headers(),
        json: { realm: 'other' },
      });
      expect(params.status).toBe(400);
    });
  });

  describe('login CSRF', () => {
    const url = () => `${bff.url}/api/login/passkey/challenge`;
    it.each([
      ['no X-CSRF header', { origin: 'SELF', 'content-type': 'application/json' }, 403, 'csrf_failed'],
      [
        'another Origin',
        { 'x-csrf': '1', origin: 'https://evil.example', 'content-type': 'application/json' },
        403,
        'csrf_failed',
      ],
      [
        'cross-site Sec-Fetch-Site',
        { 'x-csrf': '1', 'sec-fetch-site': 'cross-site', 'content-type': 'application/json' },
        403,
        'csrf_failed',
      ],
      [
        'neither Origin nor Sec-Fetch-Site',
        { 'x-csrf': '1', 'content-type': 'application/json' },
        403,
        'csrf_failed',
      ],
      [
        'a form content type',
        { 'x-csrf': '1', origin: 'SELF', 'content-type': 'text/plain' },
        415,
        'unsupported_media_type',
      ],
      ['no content type', { 'x-csrf': '1', origin: 'SELF' }, 415, 'unsupported_media_type'],
    ])('refuses %s', async (_what, raw, status, code) => {
      const h = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v === 'SELF' ? bff.url : v]));
      const res = await fetch(url(), {
        method: 'POST',
        headers: h,
        body: h['content-type'] ? '{}' : undefined,
      });
      expect(res.status).toBe(status);
      expect(((await res.json()) as ProblemBody).code).toBe(code);
      expect(res.headers.getSetCookie()).toEqual([]);
    });

    it('also guards the assertion and password endpoints', async () => {
      for (const path of ['passkey', 'password']) {
        const res = await fetch(`${withPassword.url}/api/login/${path}`, {
          method: 'POST',
          headers: { origin: withPassword.url, 'content-type': 'application/json' },
          body: JSON.stringify({ username: DEMO_USER.username, password: DEMO_USER.password }),
        });
        expect(res.status).toBe(403);
      }
    });
  });

  describe('password', () => {
    const login = (target: TestBff, body: unknown, client = new CookieClient()) =>
      client.post(`${target.url}/api/login/password`, { headers: headers(target), json: body });

    it('is 404 when auth.passwordLogin.enabled is off (the default)', async () => {
      const res = await login(bff, DEMO_USER);
      expect(res.status).toBe(404);
      expect(res.json<ProblemBody>()).toMatchObject({ code: 'not_found' });
    });

    it('when on, logs the demo user in (amr pwd: no MFA recorded)', async () => {
      const client = new CookieClient();
      const res = await login(withPassword, DEMO_USER, client);
      expect(res.status).toBe(200);
      expect(res.body).not.toMatch(/eyJ|Demo-password/);
      expect(res.json<SessionInfo>()).toMatchObject({
        user: { email: DEMO_USER.username },
        mfa: { last_mfa_at: null },
      });
      expect((await session(client, withPassword)).json<SessionInfo>().user.email).toBe(DEMO_USER.username);
    });

    it('answers a wrong password and an unknown user alike: 401, no session, nothing echoed', async () => {
      const wrong = await login(withPassword, { username: DEMO_USER.username, password: 'Wrong-password-1' });
      const unknown = await login(withPassword, {
        username: 'nobody@example.com',
        password: 'Wrong-password-1',
      });
      expect(wrong.status).toBe(401);
      expect(unknown.status).toBe(401);
      expect(unknown.json()).toEqual(wrong.json());
      expect(wrong.json<ProblemBody>()).toMatchObject({
        code: 'login_required',
        detail: 'Wrong email or password.',
      });
      expect(wrong.body).not.toContain('Wrong-password-1');
      expect(wrong.headers.getSetCookie().some((c) => c.startsWith(bff.config.session.cookieName))).toBe(
        false,
      );
    });

    it('sends a user whose logins need MFA to the redirect login (401 insufficient_user_authentication)', async () => {
      const client = new CookieClient();
      const res = await login(withPassword, ALWAYS, client);
      expect(res.status).toBe(401);
      const problem = res.json<ProblemBody>();
      expect(problem).toMatchObject({ code: 'insufficient_user_authentication', acr_values: MFA_ACR });
      expect(problem.login_url).toMatch(/^\/auth\/login\?acr_values=/);
      expect(res.body).not.toContain('mfa_token');
      expect((await session(client, withPassword)).status).toBe(401);
    });

    it('binds the tokens to a per-session DPoP key when myAccount.tokenType is dpop', async () => {
      const client = new CookieClient();
      expect((await login(dpop, DEMO_USER, client)).status).toBe(200);
      const signed = decodeURIComponent(client.cookies(dpop.url)[dpop.config.session.cookieName]);
      const record = await dpop.app.get(SessionService).readTokens(signed.slice(2, signed.lastIndexOf('.')));
      expect(record?.tokens).toMatchObject({
        tokenType: 'dpop',
        dpopKey: expect.objectContaining({ kty: 'EC' }),
      });
      const claims = decodeJwt(record!.tokens.accessToken);
      expect(claims.cnf).toEqual({ jkt: expect.any(String) });
    });

    it('refuses a body with unknown or missing members (400)', async () => {
      for (const body of [
        { username: 'a' },
        { ...DEMO_USER, realm: 'other' },
        { username: 1, password: 'x' },
      ]) {
        expect((await login(withPassword, body)).status).toBe(400);
      }
    });
  });
});

const stackOptions: TestStackOptions = {
  bff: {
    configure: (c) => {
      c.rateLimit = { 'embedded-login': { limit: 2 } };
    },
  },
};

describeWithStack('embedded login is rate-limited per client IP', stackOptions, (stack) => {
  it('a disabled password endpoint is 404 every time and spends no budget', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${stack.bff.url}/api/login/password`, {
        method: 'POST',
        headers: { 'x-csrf': '1', origin: stack.bff.url, 'content-type': 'application/json' },
        body: JSON.stringify(DEMO_USER),
      });
      expect(res.status).toBe(404);
    }
  });

  it('answers 429 rate_limited with Retry-After once the budget is spent; refused forgeries spend none', async () => {
    const post = (h: Record<string, string>) =>
      fetch(`${stack.bff.url}/api/login/passkey/challenge`, { method: 'POST', headers: h, body: '{}' });
    const good = { 'x-csrf': '1', origin: stack.bff.url, 'content-type': 'application/json' };
    for (let i = 0; i < 3; i++) expect((await post({ ...good, 'x-csrf': '0' })).status).toBe(403);
    expect((await post(good)).status).toBe(200);
    expect((await post(good)).status).toBe(200);
    const refused = await post(good);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await refused.json()) as ProblemBody).code).toBe('rate_limited');
  });

  it('fails closed (503) when Redis is down', async () => {
    await stack.redis.stop();
    const res = await fetch(`${stack.bff.url}/api/login/passkey/challenge`, {
      method: 'POST',
      headers: { 'x-csrf': '1', origin: stack.bff.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});

/** A passkey for fresh@example.com, enrolled through the My Account API as the account page would. */
async function enrollPasskey(tenant: TestTenant, authenticator: SoftAuthenticator, origin: string) {
  const basic = Buffer.from('myaccount-bff:dev-bff-secret').toString('base64');
  const res = await fetch(`${tenant.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    body: new URLSearchParams({
      grant_type: PASSWORD_REALM,
      username: FRESH.email,
      password: FRESH.password,
      realm: 'Username-Password-Authentication',
      audience: `${tenant.issuer}me/`,
      scope: 'openid create:me:authentication_methods',
    }),
  });
  const { access_token: accessToken } = (await res.json()) as { access_token: string };
  const api = createMyAccountClient({ baseUrl: `${tenant.issuer}me/v1`, accessToken });
  await api.enrollPasskey(authenticator, origin);
}
