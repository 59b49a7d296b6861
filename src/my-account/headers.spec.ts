import fc from 'fast-check';
import {
  buildForwardedRequestHeaders,
  buildReturnedResponseHeaders,
  FORWARDED_REQUEST_HEADERS,
  RETURNED_RESPONSE_HEADERS,
  rewriteLocation,
} from './headers.js';

const BASE = 'https://tenant.example.com/me/v1';

describe('buildForwardedRequestHeaders', () => {
  it('forwards exactly the allow-listed headers', () => {
    const out = buildForwardedRequestHeaders({
      'content-type': 'application/json',
      accept: 'application/json',
      'accept-language': 'de-CH, en;q=0.5',
      'user-agent': 'Mozilla/5.0',
      'x-request-id': 'req-123_abc.def:1',
      cookie: '__Host-bff=s%3Asecret',
      authorization: 'Bearer attacker',
      dpop: 'eyJ.attacker.proof',
      host: 'evil.example',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '1.2.3.4',
      forwarded: 'for=1.2.3.4;host=evil',
      'x-real-ip': '1.2.3.4',
      origin: 'https://app.example.com',
      'x-csrf': '1',
      'content-length': '10',
      connection: 'keep-alive, x-evil',
      'transfer-encoding': 'chunked',
      te: 'trailers',
      'proxy-authorization': 'Basic x',
      'x-http-method-override': 'DELETE',
    });
    expect(out).toEqual({
      'content-type': 'application/json',
      accept: 'application/json',
      'accept-language': 'de-CH, en;q=0.5',
      'user-agent': 'Mozilla/5.0',
      'x-request-id': 'req-123_abc.def:1',
    });
  });

  it('matches names case-insensitively', () => {
    expect(buildForwardedRequestHeaders({ 'Content-Type': 'application/json', COOKIE: 'a=b' })).toEqual({
      'content-type': 'application/json',
    });
  });

  it.each([
    ['x-request-id', 'abc def'],
    ['x-request-id', 'a'.repeat(129)],
    ['x-request-id', '<script>'],
    ['user-agent', 'x'.repeat(2000)],
    ['user-agent', 'bad\u0000byte'],
    ['accept-language', 'ä'],
    ['accept', ['application/json', 'text/html']],
    ['content-type', ''],
  ])('drops %s with an unsafe value %j', (name, value) => {
    expect(buildForwardedRequestHeaders({ [name]: value })).toEqual({});
  });

  it('forwards nothing from an empty header set', () => {
    expect(buildForwardedRequestHeaders({})).toEqual({});
  });
});

describe('rewriteLocation', () => {
  it.each([
    [`${BASE}/authentication-methods/passkey%7Cnew`, '/api/me/v1/authentication-methods/passkey%7Cnew'],
    [
      `${BASE}/authentication-methods/totp%7Cdev_1?x=1#frag`,
      '/api/me/v1/authentication-methods/totp%7Cdev_1?x=1',
    ],
    ['/me/v1/authentication-methods/email%7Cdev_2', '/api/me/v1/authentication-methods/email%7Cdev_2'],
    ['authentication-methods/a', '/api/me/v1/authentication-methods/a'],
    ['HTTPS://TENANT.EXAMPLE.COM/me/v1/factors', '/api/me/v1/factors'],
    ['https://tenant.example.com:443/me/v1/factors', '/api/me/v1/factors'],
  ])('%s → %s', (location, expected) => {
    expect(rewriteLocation(location, BASE)).toBe(expected);
  });

  it('accepts a base URL with a trailing slash', () => {
    expect(rewriteLocation(`${BASE}/factors`, `${BASE}/`)).toBe('/api/me/v1/factors');
  });

  it.each([
    ['another origin', 'https://evil.example/me/v1/factors'],
    ['a look-alike host', 'https://tenant.example.com.evil.example/me/v1/factors'],
    ['another port', 'https://tenant.example.com:8443/me/v1/factors'],
    ['another scheme', 'http://tenant.example.com/me/v1/factors'],
    ['protocol-relative', '//evil.example/me/v1/factors'],
    ['outside the base path', 'https://tenant.example.com/authorize?x=1'],
    ['a sibling prefix', 'https://tenant.example.com/me/v10/factors'],
    ['the base itself', 'https://tenant.example.com/me/v1'],
    ['traversal out of the base', 'https://tenant.example.com/me/v1/../../admin'],
    ['encoded traversal out of the base', 'https://tenant.example.com/me/v1/%2e%2e/%2e%2e/admin'],
    ['an encoded slash', 'https://tenant.example.com/me/v1/a%2Fb'],
    ['a double encoding', 'https://tenant.example.com/me/v1/a%257C'],
    ['javascript:', 'javascript:alert(1)'],
    ['a data URL', 'data:text/html,<script>'],
    ['garbage', 'http://[::1'],
  ])('drops %s (%s)', (_name, location) => {
    expect(rewriteLocation(location, BASE)).toBeUndefined();
  });
});

describe('buildReturnedResponseHeaders', () => {
  it('returns only content-type, the rewritten location, retry-after and x-ratelimit-*', () => {
    const out = buildReturnedResponseHeaders(
      {
        'content-type': 'application/json',
        location: `${BASE}/authentication-methods/passkey%7Cnew`,
        'retry-after': '5',
        'x-ratelimit-limit': '10',
        'x-ratelimit-remaining': '9',
        'x-ratelimit-reset': '1700000000',
        'set-cookie': ['sid=upstream; HttpOnly'],
        'dpop-nonce': 'n-123',
        'www-authenticate': 'DPoP error="use_dpop_nonce"',
        'access-control-allow-origin': '*',
        'strict-transport-security': 'max-age=1',
        server: 'upstream',
        'x-auth0-requestid': 'abc',
        'content-length': '12',
        connection: 'keep-alive',
        'transfer-encoding': 'chunked',
      },
      BASE,
    );
    expect(out).toEqual({
      'content-type': 'application/json',
      location: '/api/me/v1/authentication-methods/passkey%7Cnew',
      'retry-after': '5',
      'x-ratelimit-limit': '10',
      'x-ratelimit-remaining': '9',
      'x-ratelimit-reset': '1700000000',
    });
  });

  it('drops a Location outside the upstream base and keeps the rest', () => {
    expect(
      buildReturnedResponseHeaders(
        { location: 'https://evil.example/x', 'content-type': 'application/json' },
        BASE,
      ),
    ).toEqual({ 'content-type': 'application/json' });
  });

  it('never returns Set-Cookie, whatever its case', () => {
    expect(buildReturnedResponseHeaders({ 'Set-Cookie': 'a=b', 'SET-COOKIE': 'c=d' }, BASE)).toEqual({});
  });
});

describe('header allow-lists: properties', () => {
  const name = fc.oneof(
    fc.constantFrom(
      'cookie',
      'authorization',
      'dpop',
      'host',
      'x-forwarded-for',
      'set-cookie',
      'dpop-nonce',
      'www-authenticate',
    ),
    fc.constantFrom(
      ...FORWARDED_REQUEST_HEADERS,
      ...RETURNED_RESPONSE_HEADERS,
      'x-ratelimit-limit',
      'Content-Type',
      'X-Request-Id',
    ),
    fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9-]{0,20}$/),
  );
  const bag = fc.dictionary(name, fc.string({ maxLength: 40 }));

  it('never forwards a header outside the request allow-list', () => {
    let forwarded = 0;
    fc.assert(
      fc.property(bag, (headers) => {
        const keys = Object.keys(buildForwardedRequestHeaders(headers));
        forwarded += keys.length;
        for (const key of keys) expect(FORWARDED_REQUEST_HEADERS).toContain(key);
      }),
    );
    expect(forwarded).toBeGreaterThan(0); // the generator does reach the allow-list
  });

  it('never returns a header outside the response allow-list', () => {
    let returned = 0;
    fc.assert(
      fc.property(bag, (headers) => {
        const keys = Object.keys(buildReturnedResponseHeaders(headers, BASE));
        returned += keys.length;
        for (const key of keys)
          expect(RETURNED_RESPONSE_HEADERS.includes(key) || key.startsWith('x-ratelimit-')).toBe(true);
      }),
    );
    expect(returned).toBeGreaterThan(0);
  });
});
