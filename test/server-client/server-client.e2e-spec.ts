/**
 * The server-side client (web/server-client/) against the real BFF, tenant and Redis: a server-rendered page
 * forwarding the browser's cookie, the CSRF token rule for writes, step-up and login as redirects, Set-Cookie
 * relayed, one keep-alive connection.
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { SessionService } from '../../src/session/session.service.js';
import type { SessionInfo } from '../../src/public-api.types.js';
import {
  BffProblem,
  BffRedirect,
  createBffServerClient,
  mePath,
  NetworkError,
  type BffServerClient,
  type PageRequest,
} from '../../web/server-client/index.js';
import { loginThroughBff, MFA_ACR } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort } from '../support/redis.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { totpNow } from '../support/tenant-login.js';
import { DEMO, DEMO_TOTP_SECRET, DEMO_USER } from '../support/seed-users.js';

let stack: TestStack;
let bff: BffServerClient;
/** The browser's session cookies: one signed in with a password only, one with a fresh MFA. */
let plain: string;
let fresh: string;

const UA = 'Mozilla/5.0 (server-client e2e)';
const page = (cookie: string | undefined, extra: Partial<PageRequest> = {}): PageRequest => ({
  method: 'GET',
  url: '/example/',
  ...extra,
  headers: {
    ...(cookie ? { cookie: `theme=dark; __Host-bff=${cookie}` } : {}),
    'user-agent': UA,
    ...extra.headers,
  },
});
const response = () => new ServerResponse(new IncomingMessage(new Socket()));

async function signIn(query = '', otp?: () => string | Promise<string>): Promise<string> {
  const client = new CookieClient({ 'user-agent': UA });
  const done = await loginThroughBff(client, stack.bff.url, query, { ...DEMO_USER, otp });
  if (done.status !== 302) throw new Error(`login ended with ${done.status}`);
  return client.cookies(stack.bff.url)['__Host-bff'];
}

beforeAll(async () => {
  stack = await startTestStack();
  bff = createBffServerClient({ bffUrl: stack.bff.url, publicOrigin: stack.bff.url });
  plain = await signIn();
  fresh = await signIn(`?acr_values=${encodeURIComponent(MFA_ACR)}`, () => totpNow(DEMO_TOTP_SECRET));
}, 60_000);

afterAll(async () => {
  await bff?.close();
  await stack?.close();
});

const calls = (cookie: string | undefined, extra?: Partial<PageRequest>, res = response()) =>
  bff.forRequest(page(cookie, extra), res);

describe('server-side client: reads', () => {
  it('reads the session, the methods and the sessions with the forwarded cookie', async () => {
    const me = calls(fresh);
    const session: SessionInfo = await me.session();
    expect(session.user.email).toBe(DEMO.email);
    expect(session.csrf_token).toMatch(/^[\w-]{20,}$/);
    expect(session.mfa.last_mfa_at).not.toBeNull();
    const { authentication_methods } = await me.myAccount.get<{ authentication_methods: { type: string }[] }>(
      'authentication-methods',
    );
    expect(authentication_methods.map((m) => m.type)).toEqual(expect.arrayContaining(['password', 'totp']));
    const sessions = await me.sessions.list();
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    expect(sessions.every((s) => s.user_agent === UA)).toBe(true);
  });

  it('turns a signed-out page into a redirect to /auth/login, back to the page', async () => {
    const error = await calls(undefined, { url: '/example/?tab=2' })
      .session()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BffRedirect);
    expect((error as BffRedirect).location).toBe('/auth/login?returnTo=%2Fexample%2F%3Ftab%3D2');
    expect((error as BffRedirect).problem.code).toBe('login_required');
  });

  it('passes My Account errors through as typed errors (unknown method → 404)', async () => {
    const error = await calls(fresh)
      .myAccount.get(mePath('authentication-methods', 'totp|nope'))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'MyAccountApiError', status: 404 });
  });

  it('refuses a path that would leave /me/v1 without calling the BFF', () => {
    expect(() => calls(fresh).myAccount.get('../sessions')).toThrow(TypeError);
    expect(() => calls(fresh).myAccount.get('//evil.example/x')).toThrow(TypeError);
  });

  it('keeps its connections alive across the calls of several pages (10 calls, at most 2 connections)', async () => {
    const server = stack.bff.app.getHttpServer();
    let connections = 0;
    const count = () => connections++;
    const local = createBffServerClient({ bffUrl: stack.bff.url, publicOrigin: stack.bff.url });
    server.on('connection', count);
    try {
      for (let i = 0; i < 10; i++) await local.forRequest(page(fresh), response()).session();
    } finally {
      server.off('connection', count);
      await local.close();
    }
    // Sequential calls reuse the pool's sockets (undici may open a second one while the first settles).
    expect(connections).toBeGreaterThanOrEqual(1);
    expect(connections).toBeLessThanOrEqual(2);
  });

  it('reports an unreachable BFF as a NetworkError', async () => {
    const nowhere = createBffServerClient({
      bffUrl: `http://127.0.0.1:${await freePort()}`,
      publicOrigin: stack.bff.url,
    });
    await expect(nowhere.forRequest(page(fresh), response()).session()).rejects.toBeInstanceOf(NetworkError);
    await nowhere.close();
  });
});

describe('server-side client: writes need the session CSRF token (CSRF-8)', () => {
  const rename = (cookie: string, csrfToken: string, extra?: Partial<PageRequest>) =>
    calls(cookie, { method: 'POST', url: '/example/methods/x/rename', ...extra }).myAccount.patch(
      mePath('authentication-methods', totpId),
      { name: 'Work phone' },
      { csrfToken },
    );
  let totpId: string;
  let token: string;
  let plainToken: string;

  beforeAll(async () => {
    plainToken = (await calls(plain).session()).csrf_token;
    const me = calls(fresh);
    token = (await me.session()).csrf_token;
    const { authentication_methods } = await me.myAccount.get<{
      authentication_methods: { id: string; type: string }[];
    }>('authentication-methods');
    totpId = authentication_methods.find((m) => m.type === 'totp')!.id;
  });

  it.each([
    ['no token', () => ''],
    ['a guessed token', () => 'guess-guess-guess-guess-guess'],
    ["the token of the user's other session", () => 'other'],
  ])('refuses a write with %s (403 csrf_failed)', async (_name, tokenOf) => {
    const presented = tokenOf() === 'other' ? plainToken : tokenOf();
    const error = await rename(fresh, presented).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BffProblem);
    expect(error).toMatchObject({ status: 403, code: 'csrf_failed' });
  });

  it('refuses the right token with a foreign browser Origin (a forged form post relayed as it came)', async () => {
    const forged = { headers: { origin: 'http://localhost:1' } } as Partial<PageRequest>;
    const error = await rename(fresh, token, forged).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 403, code: 'csrf_failed' });
  });

  it('writes with the right token', async () => {
    await expect(rename(fresh, token)).resolves.toMatchObject({ name: 'Work phone' });
  });

  it("turns a stale MFA's step-up into a redirect to login_url, back to the page that offers the action", async () => {
    const res = response();
    const error = await bff
      .forRequest(page(plain, { method: 'POST', url: '/example/methods/x/remove' }), res, {
        returnTo: '/example/methods/x/remove',
      })
      .myAccount.delete(mePath('authentication-methods', totpId), { csrfToken: plainToken })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BffRedirect);
    const target = new URL((error as BffRedirect).location, 'http://same-origin.invalid');
    expect(target.pathname).toBe('/auth/login');
    expect(target.searchParams.get('acr_values')).toBe(MFA_ACR);
    expect(target.searchParams.get('max_age')).toBe('300');
    expect(target.searchParams.get('returnTo')).toBe('/example/methods/x/remove');
    expect((error as BffRedirect).problem.code).toBe('insufficient_user_authentication');
  });
});

describe('server-side client: the session ends', () => {
  it("relays the BFF's Set-Cookie that clears the cookie, and redirects to login", async () => {
    const cookie = await signIn();
    const sid = decodeURIComponent(cookie).slice(2).split('.')[0];
    const sessions = stack.bff.app.get(SessionService);
    const current = (await sessions.readTokens(sid))!;
    await sessions.writeTokens(
      sid,
      { ...current.tokens, expiresAt: Math.floor(Date.now() / 1000) - 1 },
      current.version,
    );
    const revoked = await fetch(`${stack.tenant.url}/oauth/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
      },
      body: new URLSearchParams({ token: current.tokens.refreshToken!, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);

    const res = response();
    const error = await calls(cookie, undefined, res)
      .myAccount.get('authentication-methods')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BffRedirect);
    expect((error as BffRedirect).location).toBe('/auth/login?returnTo=%2Fexample%2F');
    const lines = res.getHeader('set-cookie') as string[];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^__Host-bff=;.*Expires=Thu, 01 Jan 1970/);
  });

  it('signs out another session with the token and a fresh MFA', async () => {
    const me = calls(fresh);
    const { csrf_token } = await me.session();
    const other = (await me.sessions.list()).find((s) => !s.current)!;
    await me.sessions.revoke(other.id, { csrfToken: csrf_token });
    expect((await me.sessions.list()).map((s) => s.id)).not.toContain(other.id);
  });
});
