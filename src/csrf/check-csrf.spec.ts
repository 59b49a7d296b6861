import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import { classifyRequest } from '../http/request-class.js';
import {
  checkCsrf,
  checkLogoutCsrf,
  isJsonContentType,
  isSessionCsrfToken,
  type CsrfRequest,
} from './check-csrf.js';

const ORIGIN = 'https://app.example.com';
const TOKEN = 'Xq3v9tYb8JmQe2RkP7sLw4NhC1aZ0dFg';
const JSON_BODY = { 'content-type': 'application/json', 'content-length': '2' };
const GOOD: IncomingHttpHeaders = { 'x-csrf': '1', origin: ORIGIN, 'sec-fetch-site': 'same-origin' };
/** A request to `path` (the proxy by default), classified as the app classifies it. */
const req = (
  method: string,
  headers: IncomingHttpHeaders,
  { path = '/api/me/v1/authentication-methods', ...extra }: Partial<CsrfRequest> & { path?: string } = {},
): CsrfRequest => ({
  method,
  requestClass: classifyRequest(method, path),
  headers,
  hasSessionCookie: true,
  isBearerCaller: false,
  publicOrigin: ORIGIN,
  sessionCsrfToken: TOKEN,
  ...extra,
});
const FORBIDDEN = { ok: false, status: 403, code: 'csrf_failed' };
const UNSUPPORTED = { ok: false, status: 415, code: 'unsupported_media_type' };

describe('checkCsrf: browser calls with the session cookie', () => {
  it.each<[string, string, IncomingHttpHeaders, object]>([
    ['a same-origin POST with JSON', 'POST', { ...GOOD, ...JSON_BODY }, { ok: true }],
    [
      'a POST with Origin and the session token (older browser, server-side caller)',
      'POST',
      { 'x-csrf': '1', origin: ORIGIN, 'x-csrf-token': TOKEN, ...JSON_BODY },
      { ok: true },
    ],
    [
      'a POST with Sec-Fetch-Site only',
      'POST',
      { 'x-csrf': '1', 'sec-fetch-site': 'same-origin', ...JSON_BODY },
      { ok: true },
    ],
    ['a DELETE without a body', 'DELETE', GOOD, { ok: true }],
    ['a GET with the header', 'GET', { 'x-csrf': '1' }, { ok: true }],
    [
      'charset=utf-8',
      'PATCH',
      { ...GOOD, 'content-type': 'application/json; charset=utf-8', 'content-length': '2' },
      { ok: true },
    ],
    ['C1: a GET without X-CSRF', 'GET', {}, FORBIDDEN],
    [
      'C1: a POST without X-CSRF',
      'POST',
      { origin: ORIGIN, 'sec-fetch-site': 'same-origin', ...JSON_BODY },
      FORBIDDEN,
    ],
    ['X-CSRF: 0', 'GET', { 'x-csrf': '0' }, FORBIDDEN],
    ['X-CSRF: true', 'GET', { 'x-csrf': 'true' }, FORBIDDEN],
    ['X-CSRF sent twice', 'GET', { 'x-csrf': '1, 1' }, FORBIDDEN],
    ['X-CSRF empty', 'GET', { 'x-csrf': '' }, FORBIDDEN],
    [
      'C3: a look-alike Origin',
      'POST',
      { ...GOOD, origin: 'https://app.example.com.evil.com', ...JSON_BODY },
      FORBIDDEN,
    ],
    ['C3: Origin null', 'POST', { ...GOOD, origin: 'null', ...JSON_BODY }, FORBIDDEN],
    ['a foreign Origin', 'DELETE', { ...GOOD, origin: 'https://evil.example' }, FORBIDDEN],
    ['another scheme', 'DELETE', { ...GOOD, origin: 'http://app.example.com' }, FORBIDDEN],
    ['another port', 'DELETE', { ...GOOD, origin: 'https://app.example.com:8443' }, FORBIDDEN],
    ['an Origin with a path', 'DELETE', { ...GOOD, origin: 'https://app.example.com/' }, FORBIDDEN],
    ['an upper-case Origin', 'DELETE', { ...GOOD, origin: 'HTTPS://APP.EXAMPLE.COM' }, FORBIDDEN],
    [
      'C4: Sec-Fetch-Site cross-site',
      'POST',
      { ...GOOD, 'sec-fetch-site': 'cross-site', ...JSON_BODY },
      FORBIDDEN,
    ],
    [
      'Sec-Fetch-Site same-site',
      'PATCH',
      { ...GOOD, 'sec-fetch-site': 'same-site', ...JSON_BODY },
      FORBIDDEN,
    ],
    ['Sec-Fetch-Site none', 'DELETE', { ...GOOD, 'sec-fetch-site': 'none' }, FORBIDDEN],
    [
      'same-origin fetch metadata but a foreign Origin',
      'DELETE',
      { ...GOOD, origin: 'https://evil.example' },
      FORBIDDEN,
    ],
    ['both Origin and Sec-Fetch-Site absent on POST', 'POST', { 'x-csrf': '1', ...JSON_BODY }, FORBIDDEN],
    ['both absent on DELETE', 'DELETE', { 'x-csrf': '1' }, FORBIDDEN],
    ['C2: text/plain', 'POST', { ...GOOD, 'content-type': 'text/plain', 'content-length': '2' }, UNSUPPORTED],
    [
      'C2: a form',
      'POST',
      { ...GOOD, 'content-type': 'application/x-www-form-urlencoded', 'content-length': '3' },
      UNSUPPORTED,
    ],
    [
      'C2: multipart',
      'POST',
      { ...GOOD, 'content-type': 'multipart/form-data; boundary=x', 'content-length': '9' },
      UNSUPPORTED,
    ],
    ['a body without a content type', 'POST', { ...GOOD, 'content-length': '2' }, UNSUPPORTED],
    [
      'a chunked body without a content type',
      'PATCH',
      { ...GOOD, 'transfer-encoding': 'chunked' },
      UNSUPPORTED,
    ],
    [
      'JSON in another charset',
      'POST',
      { ...GOOD, 'content-type': 'application/json; charset=latin1', 'content-length': '2' },
      UNSUPPORTED,
    ],
    [
      'a JSON look-alike type',
      'POST',
      { ...GOOD, 'content-type': 'application/jsonp', 'content-length': '2' },
      UNSUPPORTED,
    ],
    [
      'text/plain with a JSON suffix',
      'POST',
      { ...GOOD, 'content-type': 'text/plain; application/json', 'content-length': '2' },
      UNSUPPORTED,
    ],
  ])('%s', (_name, method, headers, expected) => {
    expect(checkCsrf(req(method, headers))).toMatchObject(expected);
  });

  it('checks the header before the origin and the origin before the content type', () => {
    expect(checkCsrf(req('POST', { 'content-type': 'text/plain', 'content-length': '1' })).ok).toBe(false);
    expect(checkCsrf(req('POST', { 'content-type': 'text/plain', 'content-length': '1' }))).toMatchObject({
      status: 403,
    });
    expect(
      checkCsrf(
        req('POST', { 'x-csrf': '1', origin: 'null', 'content-type': 'text/plain', 'content-length': '1' }),
      ),
    ).toMatchObject({
      status: 403,
    });
  });

  it('accepts a public origin configured with a trailing slash', () => {
    expect(checkCsrf(req('DELETE', GOOD, { publicOrigin: `${ORIGIN}/` }))).toEqual({ ok: true });
  });

  it.each(['/API/me/v1/x', '//api/me/v1/x', '/Api/sessions', '/api'])(
    'judges %s as an API path (as Express routes it)',
    (path) => {
      expect(checkCsrf(req('GET', {}, { path }))).toMatchObject(FORBIDDEN);
    },
  );
});

describe('checkCsrf: the session token on writes without Sec-Fetch-Site (CSRF-8)', () => {
  const SERVER = { 'x-csrf': '1', origin: ORIGIN }; // what any server can send for any user
  const TOKEN_FAILED = { ok: false, status: 403, code: 'csrf_failed', check: 'token' };

  it.each<[string, string, IncomingHttpHeaders, Partial<CsrfRequest>, object]>([
    ['a server-side DELETE with the token', 'DELETE', { ...SERVER, 'x-csrf-token': TOKEN }, {}, { ok: true }],
    [
      'a server-side PATCH with the token',
      'PATCH',
      { ...SERVER, 'x-csrf-token': TOKEN, ...JSON_BODY },
      {},
      { ok: true },
    ],
    ['a server-side GET needs no token', 'GET', { 'x-csrf': '1' }, {}, { ok: true }],
    ['a browser write with Sec-Fetch-Site needs no token', 'DELETE', GOOD, {}, { ok: true }],
    [
      'a browser write with Sec-Fetch-Site and the right token',
      'DELETE',
      { ...GOOD, 'x-csrf-token': TOKEN },
      {},
      { ok: true },
    ],
    ['X-CSRF and Origin alone (a server forwarding any cookie)', 'DELETE', SERVER, {}, TOKEN_FAILED],
    ['a POST with X-CSRF and Origin alone', 'POST', { ...SERVER, ...JSON_BODY }, {}, TOKEN_FAILED],
    ['a wrong token', 'DELETE', { ...SERVER, 'x-csrf-token': `${TOKEN.slice(0, -1)}h` }, {}, TOKEN_FAILED],
    ['a prefix of the token', 'DELETE', { ...SERVER, 'x-csrf-token': TOKEN.slice(0, 16) }, {}, TOKEN_FAILED],
    ['the token with a suffix', 'DELETE', { ...SERVER, 'x-csrf-token': `${TOKEN}x` }, {}, TOKEN_FAILED],
    [
      'the token in another case',
      'DELETE',
      { ...SERVER, 'x-csrf-token': TOKEN.toUpperCase() },
      {},
      TOKEN_FAILED,
    ],
    ['the token with spaces around', 'DELETE', { ...SERVER, 'x-csrf-token': ` ${TOKEN} ` }, {}, TOKEN_FAILED],
    ['the token sent twice', 'DELETE', { ...SERVER, 'x-csrf-token': `${TOKEN}, ${TOKEN}` }, {}, TOKEN_FAILED],
    ['an empty token', 'DELETE', { ...SERVER, 'x-csrf-token': '' }, {}, TOKEN_FAILED],
    ['the token as the X-CSRF value', 'DELETE', { 'x-csrf': TOKEN, origin: ORIGIN }, {}, { check: 'header' }],
    [
      "another session's token",
      'DELETE',
      { ...SERVER, 'x-csrf-token': TOKEN },
      { sessionCsrfToken: 'another-session-token-0123456789' },
      TOKEN_FAILED,
    ],
    [
      'a token when the cookie names no live session',
      'DELETE',
      { ...SERVER, 'x-csrf-token': TOKEN },
      { sessionCsrfToken: undefined },
      TOKEN_FAILED,
    ],
    [
      'an empty token when the session has none',
      'DELETE',
      { ...SERVER, 'x-csrf-token': '' },
      { sessionCsrfToken: '' },
      TOKEN_FAILED,
    ],
    [
      'a wrong token is refused even with Sec-Fetch-Site',
      'DELETE',
      { ...GOOD, 'x-csrf-token': 'wrong' },
      {},
      TOKEN_FAILED,
    ],
    [
      'the right token does not excuse a foreign Origin',
      'DELETE',
      { 'x-csrf': '1', origin: 'https://evil.example', 'x-csrf-token': TOKEN },
      {},
      { ok: false, check: 'origin' },
    ],
    [
      'the right token does not excuse Sec-Fetch-Site same-site',
      'DELETE',
      { ...SERVER, 'sec-fetch-site': 'same-site', 'x-csrf-token': TOKEN },
      {},
      { ok: false, check: 'origin' },
    ],
    [
      'the right token does not excuse a missing X-CSRF',
      'DELETE',
      { origin: ORIGIN, 'x-csrf-token': TOKEN },
      {},
      { ok: false, check: 'header' },
    ],
    [
      'the right token does not excuse a form body',
      'POST',
      {
        ...SERVER,
        'x-csrf-token': TOKEN,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': '3',
      },
      {},
      { ok: false, status: 415, check: 'content-type' },
    ],
  ])('%s', (_name, method, headers, extra, expected) => {
    expect(checkCsrf(req(method, headers, extra))).toMatchObject(expected);
  });

  it('asks nothing of a bearer caller without the cookie', () => {
    const anonymous = { hasSessionCookie: false, isBearerCaller: true, sessionCsrfToken: undefined };
    expect(checkCsrf(req('DELETE', {}, anonymous))).toEqual({ ok: true });
  });

  it('asks the token of an embedded login sent with a session cookie, not of one without', () => {
    const path = '/api/login/password';
    expect(checkCsrf(req('POST', { ...SERVER, ...JSON_BODY }, { path }))).toMatchObject(TOKEN_FAILED);
    const anonymous = { path, hasSessionCookie: false, sessionCsrfToken: undefined };
    expect(checkCsrf(req('POST', { ...SERVER, ...JSON_BODY }, anonymous))).toEqual({ ok: true });
  });

  it('names what is missing and what is wrong in the detail', () => {
    expect(checkCsrf(req('DELETE', SERVER))).toMatchObject({
      detail: "A write without Sec-Fetch-Site needs the session's CSRF token in X-CSRF-Token",
    });
    expect(checkCsrf(req('DELETE', { ...SERVER, 'x-csrf-token': 'nope' }))).toMatchObject({
      detail: "The X-CSRF-Token header is not this session's CSRF token",
    });
  });
});

describe('isSessionCsrfToken', () => {
  it.each<[unknown, string | undefined, boolean]>([
    [TOKEN, TOKEN, true],
    [TOKEN, undefined, false],
    ['', '', false],
    [undefined, TOKEN, false],
    [[TOKEN], TOKEN, false],
    [TOKEN.slice(1), TOKEN, false],
    ['é', 'é', true],
  ])('%j against %j → %s', (presented, expected, result) => {
    expect(isSessionCsrfToken(presented, expected)).toBe(result);
  });
});

describe('checkCsrf: other callers and paths', () => {
  it('lets a bearer caller without a cookie through without X-CSRF or Origin', () => {
    expect(checkCsrf(req('POST', JSON_BODY, { hasSessionCookie: false, isBearerCaller: true }))).toEqual({
      ok: true,
    });
  });

  it('still wants JSON bodies from a bearer caller', () => {
    const headers = { 'content-type': 'text/plain', 'content-length': '2' };
    expect(checkCsrf(req('POST', headers, { hasSessionCookie: false, isBearerCaller: true }))).toMatchObject(
      UNSUPPORTED,
    );
  });

  it('lets the cookie win over a browser-sent Authorization header', () => {
    expect(checkCsrf(req('POST', JSON_BODY, { hasSessionCookie: true, isBearerCaller: true }))).toMatchObject(
      FORBIDDEN,
    );
  });

  it.each([
    '/api/login/passkey/challenge',
    '/api/login/passkey',
    '/api/login/password',
    '/API/Login/password',
  ])(
    'asks for X-CSRF and the origin on the embedded login %s even without a session (login CSRF)',
    (path) => {
      const anonymous = { hasSessionCookie: false, path };
      expect(checkCsrf(req('POST', JSON_BODY, anonymous))).toMatchObject(FORBIDDEN);
      expect(
        checkCsrf(req('POST', { 'x-csrf': '1', origin: 'https://evil.example', ...JSON_BODY }, anonymous)),
      ).toMatchObject(FORBIDDEN);
      expect(checkCsrf(req('POST', { ...GOOD, ...JSON_BODY }, anonymous))).toEqual({ ok: true });
    },
  );

  it('leaves an anonymous API call to authentication (401 login_required), not CSRF', () => {
    expect(checkCsrf(req('GET', {}, { hasSessionCookie: false, path: '/api/session' }))).toEqual({
      ok: true,
    });
  });

  it.each(['/auth/login', '/auth/callback', '/', '/index.html', '/apix', '/healthz'])(
    'does not judge the navigation or static path %s',
    (path) => {
      expect(checkCsrf(req('POST', {}, { path }))).toEqual({ ok: true });
    },
  );
});

describe('isJsonContentType', () => {
  it.each([
    ['application/json', true],
    ['Application/JSON', true],
    ['application/json;charset=UTF-8', true],
    ['application/json; charset="utf-8"', true],
    ['application/json; foo=bar', true],
    ['application/json; charset=utf-16', false],
    ['application/problem+json', false],
    ['text/json', false],
    ['', false],
    [undefined, false],
  ])('%j → %s', (value, expected) => {
    expect(isJsonContentType(value)).toBe(expected);
  });
});

describe('checkCsrf: properties', () => {
  const headerValue = fc.oneof(
    fc.constant(undefined),
    fc.constantFrom('1', '0', 'null', ORIGIN, 'same-origin', 'cross-site'),
    fc.string({ maxLength: 20 }),
  );

  it('never lets a cookie-carrying API request through without X-CSRF: 1', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE', 'PUT'),
        headerValue,
        headerValue,
        headerValue,
        (method, csrf, origin, site) => {
          fc.pre(csrf !== '1');
          const headers: IncomingHttpHeaders = { 'x-csrf': csrf, origin, 'sec-fetch-site': site };
          expect(checkCsrf(req(method, headers)).ok).toBe(false);
        },
      ),
    );
  });

  it('never lets a cookie-carrying write without Sec-Fetch-Site through without the session token', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('POST', 'PATCH', 'DELETE', 'PUT'),
        fc.oneof(fc.constant(undefined), fc.string({ maxLength: 40 })),
        (method, presented) => {
          fc.pre(presented !== TOKEN);
          const headers: IncomingHttpHeaders = { 'x-csrf': '1', origin: ORIGIN, 'x-csrf-token': presented };
          expect(checkCsrf(req(method, headers)).ok).toBe(false);
        },
      ),
    );
  });

  it('never lets a cookie-carrying write through from another origin', () => {
    fc.assert(
      fc.property(fc.constantFrom('POST', 'PATCH', 'DELETE'), fc.webUrl(), (method, url) => {
        const origin = new URL(url).origin;
        fc.pre(origin !== ORIGIN);
        expect(checkCsrf(req(method, { 'x-csrf': '1', origin })).ok).toBe(false);
      }),
    );
  });
});

describe('checkLogoutCsrf: POST /auth/logout with a session', () => {
  const logout = (headers: IncomingHttpHeaders, formToken?: unknown) =>
    checkLogoutCsrf({ headers, publicOrigin: ORIGIN, formToken, sessionCsrfToken: TOKEN });
  const OTHER_SITE = { ...FORBIDDEN, check: 'origin' };
  const NO_TOKEN = { ...FORBIDDEN, check: 'token', detail: 'The form token is missing or wrong.' };

  it.each<[string, IncomingHttpHeaders, unknown, object]>([
    ['a script (X-CSRF: 1) from the page', { 'x-csrf': '1', origin: ORIGIN }, undefined, { ok: true }],
    ['a script without Origin or Fetch Metadata', { 'x-csrf': '1' }, undefined, { ok: true }],
    ['a form post with the session token', { origin: ORIGIN }, TOKEN, { ok: true }],
    ['a form post with the token and no Origin', {}, TOKEN, { ok: true }],
    [
      'a same-origin form post (Fetch Metadata)',
      { 'sec-fetch-site': 'same-origin', origin: ORIGIN },
      TOKEN,
      { ok: true },
    ],
    ['a form post without the token', { origin: ORIGIN }, undefined, NO_TOKEN],
    ['a form post with a wrong token', { origin: ORIGIN }, 'wrong', NO_TOKEN],
    ['X-CSRF other than 1 and no token', { 'x-csrf': 'true', origin: ORIGIN }, undefined, NO_TOKEN],
    ['another Origin, even with the token', { origin: 'https://evil.example' }, TOKEN, OTHER_SITE],
    [
      'another Origin, even as a script',
      { 'x-csrf': '1', origin: 'https://evil.example' },
      undefined,
      OTHER_SITE,
    ],
    ['Origin null', { origin: 'null' }, TOKEN, OTHER_SITE],
    ['a look-alike Origin', { origin: 'https://app.example.com.evil.example' }, TOKEN, OTHER_SITE],
    [
      'Sec-Fetch-Site: cross-site, even with the token',
      { 'sec-fetch-site': 'cross-site' },
      TOKEN,
      OTHER_SITE,
    ],
    [
      'Sec-Fetch-Site: same-site (a sibling host)',
      { 'sec-fetch-site': 'same-site', 'x-csrf': '1' },
      undefined,
      OTHER_SITE,
    ],
  ])('%s', (_name, headers, formToken, expected) => {
    expect(logout(headers, formToken)).toMatchObject(expected);
  });

  it('compares Origin with the configured origin, as the API rules do (CSRF-2)', () => {
    const verdict = checkLogoutCsrf({
      headers: { origin: ORIGIN },
      publicOrigin: `${ORIGIN}/`,
      formToken: TOKEN,
      sessionCsrfToken: TOKEN,
    });
    expect(verdict).toEqual({ ok: true });
  });
});
