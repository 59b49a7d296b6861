import { ConfigError } from '../../src/config/load-config.js';
import { startTestBff } from '../support/bff.js';
import { freePort } from '../support/redis.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO } from '../support/seed-users.js';

const stackOptions: TestStackOptions = {
  bff: {
    configure: (c) => void (c.server.bodyLimit = '8kb'),
  },
};

describeWithStack('the HTTP surface of /auth and /api', stackOptions, (stack) => {
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${stack.bff.url}${path}`, { redirect: 'manual', ...init });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };

  it.each<[string, string, RequestInit, number, string | undefined]>([
    ['login', '/auth/login', {}, 302, undefined],
    ['login with a bad parameter', '/auth/login?prompt=evil', {}, 400, 'text/html'],
    ['callback without state', '/auth/callback', {}, 400, 'text/html'],
    ['session without a cookie', '/api/session', {}, 401, 'application/problem+json'],
    ['session, upper case', '/API/Session', {}, 401, 'application/problem+json'],
    ['an unknown /auth path', '/auth/nope', {}, 404, 'application/problem+json'],
    ['an unknown /api path', '/api/nope/deeper', {}, 404, 'application/problem+json'],
    ['a wrong method on /api/session', '/api/session', { method: 'DELETE' }, 405, 'application/problem+json'],
    [
      'a wrong method on /auth/backchannel-logout',
      '/auth/backchannel-logout',
      { method: 'GET' },
      405,
      'application/problem+json',
    ],
    [
      'a body over the limit',
      '/auth/backchannel-logout',
      { method: 'POST', headers: form, body: `logout_token=${'a'.repeat(9000)}` },
      413,
      'application/problem+json',
    ],
    [
      'malformed JSON',
      '/auth/logout',
      { method: 'POST', headers: json, body: '{"csrf":' },
      400,
      'application/problem+json',
    ],
    [
      'a bad back-channel logout',
      '/auth/backchannel-logout',
      { method: 'POST', headers: form, body: 'logout_token=x' },
      400,
      'application/problem+json',
    ],
    [
      'logout without a session',
      '/auth/logout',
      { method: 'POST', headers: { 'x-csrf': '1' } },
      200,
      'application/json',
    ],
  ])(
    '%s → the expected status, a problem or page, Cache-Control: no-store',
    async (_label, path, init, status, type) => {
      const res = await call(path, init);
      expect(res.status).toBe(status);
      expect(res.headers.get('cache-control')).toBe('no-store');
      if (type) expect(res.headers.get('content-type')).toMatch(new RegExp(`^${type.replace('+', '\\+')}`));
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-powered-by')).toBeNull();
      const body = await res.text();
      expect(body).not.toMatch(/\bat [\w.<>]+ \(|node_modules|Error:/);
      if (type === 'application/problem+json') {
        const problem = JSON.parse(body);
        expect(problem).toMatchObject({
          type: expect.any(String),
          title: expect.any(String),
          status,
          detail: expect.any(String),
          code: expect.any(String),
        });
      }
    },
  );

  it('names the allowed methods on 405', async () => {
    const res = await call('/api/session', { method: 'POST' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
    expect(await res.json()).toMatchObject({ code: 'method_not_allowed' });
  });

  it('echoes a sane x-request-id and replaces an insane one', async () => {
    expect(
      (await call('/api/session', { headers: { 'x-request-id': 'abc-123' } })).headers.get('x-request-id'),
    ).toBe('abc-123');
    const replaced = (
      await call('/api/session', { headers: { 'x-request-id': '<script>'.repeat(30) } })
    ).headers.get('x-request-id');
    expect(replaced).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('/healthz is up and /readyz reports Redis and discovery', async () => {
    expect((await call('/healthz')).status).toBe(200);
    const ready = await call('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { redis: 'ok', oidc_discovery: 'ok' } });
  });

  it('login redirects to /authorize with PKCE S256, state, nonce, audience and the configured scopes', async () => {
    const res = await call(
      '/auth/login?returnTo=%2F%2Fevil.example&acr_values=http%3A%2F%2Fschemas.openid.net%2Fpape%2Fpolicies%2F2007%2F06%2Fmulti-factor&max_age=300&login_hint=demo%40example.com',
    );
    const url = new URL(res.headers.get('location') as string);
    expect(url.origin + url.pathname).toBe(`${stack.tenant.url}/authorize`);
    const p = url.searchParams;
    expect(p.get('response_type')).toBe('code');
    expect(p.get('client_id')).toBe('myaccount-bff');
    expect(p.get('redirect_uri')).toBe(`${stack.bff.url}/auth/callback`);
    expect(p.get('code_challenge_method')).toBe('S256');
    expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(p.get('audience')).toBe(`${stack.tenant.issuer}me/`);
    expect(p.get('scope')?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'offline_access', 'read:me:authentication_methods']),
    );
    expect(p.get('acr_values')).toBe('http://schemas.openid.net/pape/policies/2007/06/multi-factor');
    expect(p.get('max_age')).toBe('300');
    expect(p.get('login_hint')).toBe(DEMO.email);
  });

  it('several logins may be under way in one browser (a state and a transaction cookie each)', async () => {
    const txCookies = (res: Response) =>
      res.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .filter((c) => c.startsWith('__Host-bff-tx.'));
    const first = await call('/auth/login');
    const second = await call('/auth/login', { headers: { cookie: txCookies(first).join('; ') } });
    expect(txCookies(first)).toHaveLength(1);
    expect(txCookies(second)).toHaveLength(1);
    // The second start neither replaces nor clears the first one's cookie.
    expect(txCookies(second)[0].split('=')[0]).not.toBe(txCookies(first)[0].split('=')[0]);
    expect(second.headers.getSetCookie().some((c) => c.startsWith(txCookies(first)[0].split('=')[0]))).toBe(
      false,
    );
    expect(new URL(first.headers.get('location') as string).searchParams.get('state')).not.toBe(
      new URL(second.headers.get('location') as string).searchParams.get('state'),
    );
  });

  it('does not boot on a bad configuration, naming every problem', async () => {
    const attempt = startTestBff({
      issuer: stack.tenant.issuer,
      redisUrl: 'not-a-url',
      configure: (c) => void (c.oidc.clientSecret = null),
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^oidc\.clientSecret \(OIDC_CLIENT_SECRET\)/),
        expect.stringMatching(/^redis\.url \(REDIS_URL\)/),
      ]),
    );
  });

  it('without discovery (tenant unreachable): not ready, and a login answers the 503 page', async () => {
    const dead = await freePort();
    const lonely = await startTestBff({
      issuer: `http://localhost:${dead}/`,
      redisUrl: stack.redis.url,
      waitForDiscovery: false,
    });
    try {
      const ready = await fetch(`${lonely.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { redis: 'ok', oidc_discovery: 'pending' } });
      const login = await fetch(`${lonely.url}/auth/login`, { redirect: 'manual' });
      expect(login.status).toBe(503);
      expect(login.headers.get('content-type')).toMatch(/^text\/html/);
      expect(login.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await fetch(`${lonely.url}/healthz`)).status).toBe(200);
    } finally {
      await lonely.close();
    }
  });
});
