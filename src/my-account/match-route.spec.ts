import fc from 'fast-check';
import { GatewayError, InvalidPath, MethodNotAllowed, RouteNotFound } from './gateway-error.js';
import { matchRoute, tryMatchRoute } from './match-route.js';
import { hasControlChar } from './percent-decoding.js';

const match = (method: string, path: string, query?: string) => matchRoute({ method, path, query });
const failure = (method: string, path: string, query?: string) => {
  const result = tryMatchRoute({ method, path, query });
  if (result.ok) throw new Error(`${method} ${path} was accepted`);
  return result.error;
};

describe('matchRoute: accepted paths', () => {
  it.each([
    ['GET', '/factors', 'getFactors', '/factors'],
    ['GET', '/authentication-methods', 'getAuthenticationMethods', '/authentication-methods'],
    ['POST', '/authentication-methods', 'createAuthenticationMethod', '/authentication-methods'],
    [
      'GET',
      '/authentication-methods/totp%7Cdev_1',
      'getAuthenticationMethod',
      '/authentication-methods/totp%7Cdev_1',
    ],
    [
      'GET',
      '/authentication-methods/totp%7cdev_1',
      'getAuthenticationMethod',
      '/authentication-methods/totp%7Cdev_1',
    ],
    [
      'GET',
      '/authentication-methods/totp|dev_1',
      'getAuthenticationMethod',
      '/authentication-methods/totp%7Cdev_1',
    ],
    [
      'DELETE',
      '/authentication-methods/passkey|dev_X',
      'deleteAuthenticationMethod',
      '/authentication-methods/passkey%7Cdev_X',
    ],
    [
      'PATCH',
      '/authentication-methods/phone%7Cdev_Y',
      'updateAuthenticationMethod',
      '/authentication-methods/phone%7Cdev_Y',
    ],
    [
      'POST',
      '/authentication-methods/passkey%7Cnew/verify',
      'confirmAuthenticationMethod',
      '/authentication-methods/passkey%7Cnew/verify',
    ],
    ['POST', '/connected-accounts/connect', 'createConnectedAccountRequest', '/connected-accounts/connect'],
    [
      'POST',
      '/connected-accounts/complete',
      'completeConnectedAccountRequest',
      '/connected-accounts/complete',
    ],
    ['GET', '/connected-accounts/accounts', 'getConnectedAccounts', '/connected-accounts/accounts'],
    [
      'DELETE',
      '/connected-accounts/accounts/cac_6ZqSK7Kj1R8LDZJvSb1tAn',
      'deleteConnectedAccount',
      '/connected-accounts/accounts/cac_6ZqSK7Kj1R8LDZJvSb1tAn',
    ],
    ['GET', '/consents/cns_abc', 'getConsent', '/consents/cns_abc'],
    [
      'GET',
      '/authentication-methods/password%7CdXNlci0xMjM',
      'getAuthenticationMethod',
      '/authentication-methods/password%7CdXNlci0xMjM',
    ],
    ['GET', '/authentication-methods/a%20b', 'getAuthenticationMethod', '/authentication-methods/a%20b'],
  ])('%s %s → %s, upstream %s', (method, path, operationId, upstreamPath) => {
    const result = match(method, path);
    expect(result.route.operationId).toBe(operationId);
    expect(result.upstreamPath).toBe(upstreamPath);
  });

  it('decodes the id once for the caller and encodes it once for the upstream', () => {
    const result = match('GET', '/authentication-methods/totp%7Cdev_1');
    expect(result.params).toEqual({ authentication_method_id: 'totp|dev_1' });
  });

  it.each(['totp|dev_1', 'päss|ké', 'x:y@z', "a!b$c&d'e(f)g*h+i,j;k=l", 'email|dev_ä🔑'])(
    'round-trips the id %j without double encoding',
    (id) => {
      const result = match('GET', `/authentication-methods/${encodeURIComponent(id)}`);
      expect(result.params.authentication_method_id).toBe(id);
      expect(decodeURIComponent(result.upstreamPath.split('/')[2])).toBe(id);
      expect(result.upstreamPath).not.toMatch(/%25/);
    },
  );
});

describe('matchRoute: refused with 400 invalid_request', () => {
  it.each([
    ['dot-dot', '/authentication-methods/..'],
    ['dot-dot in the middle', '/authentication-methods/../factors'],
    ['dot', '/./factors'],
    ['encoded dot-dot', '/authentication-methods/%2e%2e'],
    ['upper-case encoded dot-dot', '/authentication-methods/%2E%2E'],
    ['half-encoded dot-dot', '/authentication-methods/.%2e'],
    ['encoded dot', '/authentication-methods/%2e'],
    ['encoded slash', '/authentication-methods/totp%2Fdev'],
    ['lower-case encoded slash', '/authentication-methods/totp%2fdev'],
    ['encoded traversal', '/authentication-methods/%2e%2e%2f%2e%2e%2fadmin'],
    ['encoded backslash', '/authentication-methods/totp%5Cdev'],
    ['raw backslash', '/authentication-methods/totp\\dev'],
    ['backslash traversal', '/authentication-methods\\..\\admin'],
    ['double-encoded pipe', '/authentication-methods/totp%257Cdev_1'],
    ['double-encoded dot-dot', '/authentication-methods/%252e%252e'],
    ['double-encoded slash', '/authentication-methods/a%252Fb'],
    ['encoded percent alone', '/authentication-methods/100%25'],
    ['encoded NUL', '/authentication-methods/a%00b'],
    ['encoded newline', '/authentication-methods/a%0d%0aSet-Cookie:x'],
    ['encoded DEL', '/authentication-methods/a%7f'],
    ['raw NUL', '/authentication-methods/a\u0000b'],
    ['raw tab', '/authentication-methods/a\tb'],
    ['raw space', '/authentication-methods/a b'],
    ['raw non-ASCII', '/authentication-methods/ä'],
    ['raw quote', '/authentication-methods/a"b'],
    ['empty segment', '/authentication-methods//verify'],
    ['double slash at start', '//factors'],
    ['trailing slash', '/factors/'],
    ['slash alone', '/'],
    ['no leading slash', 'factors'],
    ['malformed escape', '/authentication-methods/%zz'],
    ['truncated escape', '/authentication-methods/abc%4'],
    ['invalid UTF-8', '/authentication-methods/%C3%28'],
    ['overlong UTF-8 for a slash', '/authentication-methods/%C0%AF'],
    ['overlong path', `/authentication-methods/${'a'.repeat(2000)}`],
    ['connected-account id outside its pattern', '/connected-accounts/accounts/not-a-cac'],
    ['connected-account id with a pipe', '/connected-accounts/accounts/cac_1|x'],
  ])('%s: %j', (_name, path) => {
    const method = path.startsWith('/connected-accounts') ? 'DELETE' : 'GET';
    const error = failure(method, path);
    expect(error).toBeInstanceOf(InvalidPath);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(hasControlChar(error.message)).toBe(false);
  });

  it('names the offending character without echoing control bytes', () => {
    expect(failure('GET', '/factors\u0007').message).toBe('The path contains the character U+0007');
    expect(failure('GET', '/a\\b').message).toBe('The path contains the character "\\"');
  });
});

describe('matchRoute: 404 and 405', () => {
  it.each([
    '',
    '/unknown',
    '/Factors',
    '/factors/extra',
    '/authentication-methods/x/verify/more',
    '/me/v1/factors',
    '/authentication-methods/x/confirm',
  ])('unknown path %j → 404 not_found', (path) => {
    const error = failure('GET', path);
    expect(error).toBeInstanceOf(RouteNotFound);
    expect(error).toMatchObject({ status: 404, code: 'not_found' });
  });

  it.each([
    ['PUT', '/factors', ['GET']],
    ['POST', '/factors', ['GET']],
    ['TRACE', '/authentication-methods', ['GET', 'POST']],
    ['HEAD', '/factors', ['GET']],
    ['OPTIONS', '/connected-accounts/connect', ['POST']],
    ['PUT', '/authentication-methods/totp%7C1', ['GET', 'DELETE', 'PATCH']],
    ['GET', '/authentication-methods/totp%7C1/verify', ['POST']],
    ['get', '/factors', ['GET']],
  ])('%s %s → 405 with Allow %j', (method, path, allow) => {
    const error = failure(method, path) as MethodNotAllowed;
    expect(error).toBeInstanceOf(MethodNotAllowed);
    expect(error).toMatchObject({ status: 405, code: 'method_not_allowed', allow });
    expect(error.headers.allow).toBe(allow.join(', '));
  });

  it('answers 405 before validating a parameter pattern', () => {
    expect(failure('GET', '/connected-accounts/accounts/nope')).toBeInstanceOf(MethodNotAllowed);
  });
});

describe('matchRoute: query', () => {
  it.each([
    ['GET', '/authentication-methods', 'type=totp', 'type=totp'],
    ['GET', '/authentication-methods', '?type=totp&evil=1', 'type=totp'],
    ['GET', '/authentication-methods', 'evil=1&scope=delete', ''],
    ['GET', '/factors', 'type=totp', ''],
    [
      'GET',
      '/connected-accounts/accounts',
      'take=5&from=abc&connection=a&connection=b',
      'connection=a&connection=b&from=abc&take=5',
    ],
    ['GET', '/connected-accounts/accounts', 'from=a%2Bb%3D%3D', 'from=a%2Bb%3D%3D'],
    ['GET', '/connected-accounts/accounts', 'from=a+b', 'from=a+b'],
    ['GET', '/connected-accounts/accounts', 'from=%E2%9C%93', 'from=%E2%9C%93'],
    ['GET', '/connected-accounts/accounts', 'from=x&&take', 'from=x&take='],
    ['GET', '/connected-accounts/connections', 'connection=a&take=3', 'take=3'],
    ['GET', '/organizations', 'take=100&from=c', 'from=c&take=100'],
    ['POST', '/authentication-methods', 'type=totp', ''],
  ])('%s %s?%s forwards ?%s', (method, path, query, expected) => {
    expect(match(method, path, query).query).toBe(expected);
  });

  it.each([
    ['a scalar given twice', '/connected-accounts/accounts', 'take=1&take=20'],
    [
      'an array over maxItems',
      '/connected-accounts/accounts',
      Array.from({ length: 21 }, (_, i) => `connection=c${i}`).join('&'),
    ],
    ['a malformed escape', '/authentication-methods', 'type=%zz'],
    ['an encoded control character', '/authentication-methods', 'type=totp%0d%0a'],
    ['invalid UTF-8', '/authentication-methods', 'type=%FF'],
    ['an overlong query', '/authentication-methods', `type=${'a'.repeat(5000)}`],
  ])('refuses %s with 400', (_name, path, query) => {
    expect(failure('GET', path, query)).toMatchObject({ status: 400, code: 'invalid_request' });
  });
});

describe('matchRoute: properties over arbitrary input', () => {
  const pathChars = fc.constantFrom(
    ...'/.%\\|aA0_-~2e5cF7C%25:@'.split(''),
    '%2e',
    '%2f',
    '%5c',
    '%25',
    '%7C',
    '..',
    '\u0000',
  );
  const hostilePath = fc
    .array(pathChars, { maxLength: 40 })
    .map((parts) => `/authentication-methods/${parts.join('')}`);

  it('never throws anything but a GatewayError, and never forwards traversal or double encoding', () => {
    fc.assert(
      fc.property(hostilePath, fc.constantFrom('GET', 'POST', 'DELETE', 'PATCH', 'PUT'), (path, method) => {
        const result = tryMatchRoute({ method, path });
        if (!result.ok) return expect(result.error).toBeInstanceOf(GatewayError);
        const { upstreamPath } = result.match;
        expect(upstreamPath.split('/').slice(1)).not.toContain('..');
        expect(upstreamPath).not.toMatch(/%25|%2F|%5C|\\|\/\//i);
        expect(upstreamPath.split('/').map(decodeURIComponent).slice(1)).not.toContain('..');
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts any id sent encoded once and forwards it encoded once', () => {
    const id = fc
      .string({ minLength: 1, maxLength: 60, unit: 'grapheme' })
      .filter((s) => !hasControlChar(s) && !/[%/\\]/.test(s) && s !== '.' && s !== '..');
    fc.assert(
      fc.property(id, (value) => {
        const result = match('DELETE', `/authentication-methods/${encodeURIComponent(value)}`);
        expect(result.params.authentication_method_id).toBe(value);
        expect(result.upstreamPath).toBe(`/authentication-methods/${encodeURIComponent(value)}`);
      }),
    );
  });
});
