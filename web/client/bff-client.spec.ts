import { jest } from '@jest/globals';
import { createBffClient, mePath } from './bff-client.js';
import { BffProblem, MyAccountApiError, NetworkError, UnexpectedResponseError } from './errors.js';
import type { FetchLike } from './http.js';

interface Call {
  url: string;
  init: RequestInit;
}

function fakeFetch(respond: (call: Call) => Response | Promise<Response>) {
  const calls: Call[] = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    return respond({ url, init });
  };
  return { fetch, calls };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 't', status, detail: 'd', ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });

const session = {
  user: { sub: 'auth0|1', name: 'Demo', email: 'demo@example.com' },
  session: { id_hint: 'ab12', created_at: 'x', expires_at: 'y', idle_expires_at: 'z' },
  mfa: { last_mfa_at: null, fresh_until: null },
  scopes: [],
  csrf_token: 'c',
};

const stepUpBody = {
  code: 'insufficient_user_authentication',
  acr_values: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor',
  max_age: 300,
  login_url: '/auth/login?returnTo=%2F&acr_values=mfa&max_age=300',
};

/** Settles to 'pending' when the promise has not settled after the event loop turns once. */
async function stateOf(p: Promise<unknown>): Promise<string> {
  const pending = new Promise((r) => setTimeout(() => r('pending'), 10));
  return Promise.race([
    p.then(
      () => 'resolved',
      () => 'rejected',
    ),
    pending,
  ]) as Promise<string>;
}

function setup(respond: (call: Call) => Response | Promise<Response>, baseUrl?: string) {
  const { fetch, calls } = fakeFetch(respond);
  const navigate = jest.fn<(url: string) => void>();
  const client = createBffClient({
    fetch,
    navigate,
    baseUrl,
    currentUrl: () => '/account?x=1#retry=delete:a',
  });
  return { client, calls, navigate };
}

const headersOf = (call: Call) => call.init.headers as Record<string, string>;

describe('createBffClient', () => {
  describe('session()', () => {
    it('GETs /api/session with X-CSRF and same-origin credentials and returns the session', async () => {
      const { client, calls } = setup(() => json(200, session));
      await expect(client.session()).resolves.toEqual(session);
      expect(calls[0].url).toBe('/api/session');
      expect(calls[0].init.method).toBe('GET');
      expect(calls[0].init.credentials).toBe('same-origin');
      expect(headersOf(calls[0])['X-CSRF']).toBe('1');
      expect(headersOf(calls[0])['Content-Type']).toBeUndefined();
      expect(calls[0].init.body).toBeUndefined();
    });

    it('answers null on 401 login_required', async () => {
      const { client } = setup(() => problem(401, { code: 'login_required' }));
      await expect(client.session()).resolves.toBeNull();
    });

    it('throws other problems, e.g. 503 session_store_unavailable', async () => {
      const { client } = setup(() => problem(503, { code: 'session_store_unavailable' }));
      await expect(client.session()).rejects.toMatchObject({
        name: 'BffProblem',
        status: 503,
        code: 'session_store_unavailable',
      });
    });
  });

  describe('myAccount', () => {
    it('GETs /api/me/v1/<path> and returns the JSON', async () => {
      const { client, calls } = setup(() => json(200, { authentication_methods: [] }));
      await expect(client.myAccount.get('/authentication-methods')).resolves.toEqual({
        authentication_methods: [],
      });
      expect(calls[0].url).toBe('/api/me/v1/authentication-methods');
      expect(headersOf(calls[0])['X-CSRF']).toBe('1');
    });

    it('POSTs JSON with Content-Type application/json; send() exposes status and Location', async () => {
      const { client, calls } = setup(() =>
        json(202, { auth_session: 's' }, { location: '/api/me/v1/authentication-methods/passkey%7Cnew' }),
      );
      const res = await client.myAccount.send('POST', 'authentication-methods', { type: 'passkey' });
      expect(res).toEqual({
        status: 202,
        data: { auth_session: 's' },
        location: '/api/me/v1/authentication-methods/passkey%7Cnew',
      });
      expect(calls[0].init.method).toBe('POST');
      expect(headersOf(calls[0])['Content-Type']).toBe('application/json');
      expect(headersOf(calls[0])['X-CSRF']).toBe('1');
      expect(JSON.parse(calls[0].init.body as string)).toEqual({ type: 'passkey' });
    });

    it('post() without a body sends {} as JSON', async () => {
      const { client, calls } = setup(() => json(201, { id: 'x' }));
      await client.myAccount.post('authentication-methods/x/verify');
      expect(calls[0].init.body).toBe('{}');
    });

    it('PATCHes and DELETEs with ids encoded once by mePath (| → %7C)', async () => {
      const { client, calls } = setup((c) =>
        c.init.method === 'DELETE' ? new Response(null, { status: 204 }) : json(200, { name: 'n' }),
      );
      await client.myAccount.patch(mePath('authentication-methods', 'totp|dev_1'), { name: 'n' });
      await expect(
        client.myAccount.delete(mePath('authentication-methods', 'totp|dev_1')),
      ).resolves.toBeUndefined();
      expect(calls.map((c) => [c.init.method, c.url])).toEqual([
        ['PATCH', '/api/me/v1/authentication-methods/totp%7Cdev_1'],
        ['DELETE', '/api/me/v1/authentication-methods/totp%7Cdev_1'],
      ]);
    });

    it.each([
      'https://evil.example/x',
      '//evil.example/x',
      'authentication-methods/../../auth/logout',
      './x',
    ])('refuses the path %s without calling fetch', async (path) => {
      const { client, calls } = setup(() => json(200, {}));
      expect(() => client.myAccount.get(path)).toThrow(TypeError);
      expect(calls).toHaveLength(0);
    });

    it('passes the My Account API errors through as MyAccountApiError with validation_errors', async () => {
      const body = {
        type: 'https://auth0.com/api-errors#A0E-400-0001',
        title: 'Bad Request',
        status: 400,
        detail: 'Invalid input',
        validation_errors: [{ detail: 'must match format "email"', field: 'email', pointer: '/email' }],
      };
      const { client } = setup(() => json(400, body));
      const err = await client.myAccount
        .post('authentication-methods', { type: 'email', email: 'x' })
        .catch((e) => e);
      expect(err).toBeInstanceOf(MyAccountApiError);
      expect(err).toMatchObject({
        status: 400,
        type: body.type,
        title: 'Bad Request',
        detail: 'Invalid input',
      });
      expect((err as MyAccountApiError).validation_errors).toEqual(body.validation_errors);
    });

    it('turns a BFF problem into BffProblem with its members', async () => {
      const { client } = setup(() =>
        problem(403, {
          code: 'insufficient_scope',
          scope: 'delete:me:authentication_methods',
          login_url: '/auth/login?scope=x',
        }),
      );
      const err = await client.myAccount.delete('authentication-methods/a').catch((e) => e);
      expect(err).toBeInstanceOf(BffProblem);
      expect(err).toMatchObject({
        status: 403,
        code: 'insufficient_scope',
        scope: 'delete:me:authentication_methods',
        login_url: '/auth/login?scope=x',
        needsLogin: true,
      });
    });

    it('rejects with UnexpectedResponseError for a non-JSON error page', async () => {
      const { client } = setup(
        () =>
          new Response('<html>Bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
      );
      await expect(client.myAccount.get('factors')).rejects.toEqual(new UnexpectedResponseError(502));
    });

    it('rejects with UnexpectedResponseError for malformed JSON', async () => {
      const { client } = setup(
        () => new Response('{oops', { status: 500, headers: { 'content-type': 'application/json' } }),
      );
      await expect(client.myAccount.get('factors')).rejects.toBeInstanceOf(UnexpectedResponseError);
    });

    it('rejects with UnexpectedResponseError for a problem+json body without a code', async () => {
      const { client } = setup(
        () =>
          new Response('{"title":"x"}', {
            status: 400,
            headers: { 'content-type': 'application/problem+json' },
          }),
      );
      await expect(client.myAccount.get('factors')).rejects.toBeInstanceOf(UnexpectedResponseError);
    });

    it('reads +json media types and an empty 200 body', async () => {
      const { client } = setup((c) =>
        c.url.endsWith('a')
          ? new Response('{"ok":1}', {
              status: 200,
              headers: { 'content-type': 'application/vnd.x+json; charset=utf-8' },
            })
          : new Response('', { status: 200 }),
      );
      await expect(client.myAccount.get('a')).resolves.toEqual({ ok: 1 });
      await expect(client.myAccount.get('b')).resolves.toBeUndefined();
    });

    it('rejects with UnexpectedResponseError for JSON that is neither shape', async () => {
      const { client } = setup(() => json(418, { hello: 'world' }));
      await expect(client.myAccount.get('factors')).rejects.toBeInstanceOf(UnexpectedResponseError);
    });

    it('wraps a network failure in NetworkError', async () => {
      const { client } = setup(() => Promise.reject(new TypeError('Failed to fetch')));
      const err = await client.myAccount.get('factors').catch((e) => e);
      expect(err).toBeInstanceOf(NetworkError);
      expect((err as NetworkError).cause).toEqual(new TypeError('Failed to fetch'));
    });

    it('rethrows an abort as is', async () => {
      const controller = new AbortController();
      const abort = new DOMException('aborted', 'AbortError');
      const { client } = setup(() => {
        controller.abort();
        return Promise.reject(abort);
      });
      await expect(client.myAccount.get('factors', { signal: controller.signal })).rejects.toBe(abort);
    });
  });

  describe('step-up', () => {
    it('throws the BffProblem by default and does not navigate', async () => {
      const { client, navigate } = setup(() => problem(401, stepUpBody));
      await expect(client.myAccount.delete('authentication-methods/a')).rejects.toMatchObject({
        code: 'insufficient_user_authentication',
        acr_values: stepUpBody.acr_values,
        max_age: 300,
        login_url: stepUpBody.login_url,
      });
      expect(navigate).not.toHaveBeenCalled();
    });

    it("with stepUp: 'redirect' follows login_url back to the current page, hash included, and never settles", async () => {
      const { client, navigate } = setup(() => problem(401, stepUpBody));
      const p = client.myAccount.delete('authentication-methods/a', { stepUp: 'redirect' });
      expect(await stateOf(p)).toBe('pending');
      const url = new URL(navigate.mock.calls[0][0], 'http://localhost');
      expect(url.pathname).toBe('/auth/login');
      expect(url.searchParams.get('returnTo')).toBe('/account?x=1#retry=delete:a');
      expect(url.searchParams.get('acr_values')).toBe('mfa');
      expect(url.searchParams.get('max_age')).toBe('300');
    });

    it('uses an explicit returnTo and follows insufficient_scope too', async () => {
      const { client, navigate } = setup(() =>
        problem(403, { code: 'insufficient_scope', login_url: '/auth/login?scope=a' }),
      );
      void client.sessions.revoke('s1', { stepUp: 'redirect', returnTo: '/#retry=revoke:s1' });
      await new Promise((r) => setTimeout(r, 0));
      const url = new URL(navigate.mock.calls[0][0], 'http://localhost');
      expect(url.searchParams.get('returnTo')).toBe('/#retry=revoke:s1');
      expect(url.searchParams.get('scope')).toBe('a');
    });

    it.each(['https://evil.example/auth/login', '//evil.example/auth/login', '/\\evil.example'])(
      'never follows a login_url off this origin (%s)',
      async (loginUrl) => {
        const { client, navigate } = setup(() => problem(401, { ...stepUpBody, login_url: loginUrl }));
        await expect(client.myAccount.delete('x', { stepUp: 'redirect' })).rejects.toBeInstanceOf(BffProblem);
        expect(navigate).not.toHaveBeenCalled();
      },
    );

    it('throws when the step-up problem carries no login_url', async () => {
      const { client, navigate } = setup(() => problem(401, { ...stepUpBody, login_url: undefined }));
      await expect(client.myAccount.delete('x', { stepUp: 'redirect' })).rejects.toBeInstanceOf(BffProblem);
      expect(navigate).not.toHaveBeenCalled();
    });

    it('does not redirect for other problems', async () => {
      const { client, navigate } = setup(() => problem(403, { code: 'csrf_failed' }));
      await expect(client.myAccount.delete('x', { stepUp: 'redirect' })).rejects.toMatchObject({
        code: 'csrf_failed',
      });
      expect(navigate).not.toHaveBeenCalled();
    });

    it('falls back to / when the returnTo is not a same-origin path', async () => {
      const { client, navigate } = setup(() => problem(401, stepUpBody));
      void client.myAccount.delete('x', { stepUp: 'redirect', returnTo: 'https://evil.example/' });
      await new Promise((r) => setTimeout(r, 0));
      expect(new URL(navigate.mock.calls[0][0], 'http://localhost').searchParams.get('returnTo')).toBe('/');
    });
  });

  describe('the session CSRF token', () => {
    it('is sent in X-CSRF-Token on writes once session() has read it, never on reads', async () => {
      const { client, calls } = setup((c) =>
        c.url === '/api/session' ? json(200, session) : new Response(null, { status: 204 }),
      );
      await client.sessions.revoke('a');
      await client.session();
      await client.myAccount.get('authentication-methods');
      await client.sessions.revoke('a');
      await client.myAccount.patch('authentication-methods/a', { name: 'n' });
      expect(calls.map((c) => [c.init.method, headersOf(c)['X-CSRF-Token']])).toEqual([
        ['DELETE', undefined],
        ['GET', undefined],
        ['GET', undefined],
        ['DELETE', 'c'],
        ['PATCH', 'c'],
      ]);
    });

    it('is forgotten when the session is gone', async () => {
      let signedIn = true;
      const { client, calls } = setup((c) =>
        c.url === '/api/session'
          ? signedIn
            ? json(200, session)
            : problem(401, { code: 'login_required' })
          : new Response(null, { status: 204 }),
      );
      await client.session();
      signedIn = false;
      await client.session();
      await client.sessions.revokeOthers();
      expect(headersOf(calls[2])['X-CSRF-Token']).toBeUndefined();
    });
  });

  describe('sessions', () => {
    it('lists the sessions and revokes one by its encoded id', async () => {
      const list = [{ id: 'a/b', created_at: 'c', last_seen_at: 'l', user_agent: null, current: false }];
      const { client, calls } = setup((c) =>
        c.init.method === 'GET' ? json(200, { sessions: list }) : new Response(null, { status: 204 }),
      );
      await expect(client.sessions.list()).resolves.toEqual(list);
      await client.sessions.revoke('a/b');
      await client.sessions.revokeOthers();
      expect(calls.map((c) => [c.init.method, c.url])).toEqual([
        ['GET', '/api/sessions'],
        ['DELETE', '/api/sessions/a%2Fb'],
        ['POST', '/api/sessions/revoke-others'],
      ]);
      expect(headersOf(calls[1])['X-CSRF']).toBe('1');
      expect(headersOf(calls[2])['X-CSRF']).toBe('1');
    });
  });

  describe('logout()', () => {
    it('POSTs /auth/logout with X-CSRF and no body, then navigates to logout_url', async () => {
      const logoutUrl = 'http://localhost:4000/oidc/logout?client_id=myaccount-bff';
      const { client, calls, navigate } = setup(() => json(200, { logout_url: logoutUrl }));
      await client.logout();
      expect(calls[0].url).toBe('/auth/logout');
      expect(calls[0].init.method).toBe('POST');
      expect(headersOf(calls[0])['X-CSRF']).toBe('1');
      expect(calls[0].init.body).toBeUndefined();
      expect(navigate).toHaveBeenCalledWith(logoutUrl);
    });

    it('rejects and stays when the BFF cannot log out (e.g. 503)', async () => {
      const { client, navigate } = setup(() => problem(503, { code: 'session_store_unavailable' }));
      await expect(client.logout()).rejects.toMatchObject({ code: 'session_store_unavailable' });
      expect(navigate).not.toHaveBeenCalled();
    });

    it('goes home when the answer carries no logout_url', async () => {
      const { client, navigate } = setup(() => new Response(null, { status: 204 }));
      await client.logout();
      expect(navigate).toHaveBeenCalledWith('/');
    });
  });

  describe('login()', () => {
    it('navigates to /auth/login returning to the current page by default', () => {
      const { client, navigate } = setup(() => json(200, {}));
      client.login();
      const url = new URL(navigate.mock.calls[0][0], 'http://localhost');
      expect(url.pathname).toBe('/auth/login');
      expect([...url.searchParams]).toEqual([['returnTo', '/account?x=1#retry=delete:a']]);
    });

    it('carries returnTo, acr_values and max_age', () => {
      const { client, navigate } = setup(() => json(200, {}));
      client.login({ returnTo: '/', acr_values: 'urn:mfa', max_age: 0, prompt: '' });
      const url = new URL(navigate.mock.calls[0][0], 'http://localhost');
      expect(Object.fromEntries(url.searchParams)).toEqual({
        returnTo: '/',
        acr_values: 'urn:mfa',
        max_age: '0',
      });
    });
  });

  it('prefixes every URL with baseUrl', async () => {
    const { client, calls, navigate } = setup(() => json(200, session), 'https://app.example/');
    await client.session();
    client.login({ returnTo: '/' });
    expect(calls[0].url).toBe('https://app.example/api/session');
    expect(navigate.mock.calls[0][0]).toBe('https://app.example/auth/login?returnTo=%2F');
  });

  it('mePath encodes each segment exactly once', () => {
    expect(mePath('authentication-methods', 'passkey|new', 'verify')).toBe(
      'authentication-methods/passkey%7Cnew/verify',
    );
    expect(mePath('connected-accounts', 'accounts', 'cac_1')).toBe('connected-accounts/accounts/cac_1');
  });
});
