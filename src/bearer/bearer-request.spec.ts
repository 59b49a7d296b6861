import { BearerTokenMissing, InvalidBearerToken } from './bearer-errors.js';
import { isBearerCandidate, readBearerToken } from './bearer-request.js';

const COOKIE = '__Host-bff';
const req = (path: string, headers: Record<string, string> = {}) => ({ method: 'GET', path, headers });

describe('isBearerCandidate', () => {
  it.each([
    ['/api/me/v1/factors', { authorization: 'Bearer x' }, true],
    ['/api/me/v1', { authorization: 'Bearer x' }, true],
    ['/API/Me/V1/factors', { authorization: 'Bearer x' }, true],
    ['//api//me/v1/factors', { authorization: 'Bearer x' }, true],
    ['/api/me/v1/factors', { authorization: 'Basic x' }, true],
    ['/api/me/v1/factors', {}, false],
    ['/api/me/v1/factors', { authorization: '  ' }, false],
    ['/api/me/v1/factors', { authorization: 'Bearer x', cookie: `${COOKIE}=s%3Aabc` }, false],
    ['/api/me/v1/factors', { authorization: 'Bearer x', cookie: `other=1; ${COOKIE}=abc` }, false],
    ['/api/me/v1/factors', { authorization: 'Bearer x', cookie: 'other=1' }, true],
    ['/api/me/v1/factors', { authorization: 'Bearer x', cookie: `${COOKIE}=` }, true],
    // The proxy's namespace (class proxy); only its /api/me/v1 route accepts bearer callers (@AcceptsBearer).
    ['/api/me/v10/factors', { authorization: 'Bearer x' }, true],
    ['/api/meow', { authorization: 'Bearer x' }, false],
    ['/api/session', { authorization: 'Bearer x' }, false],
    ['/auth/login', { authorization: 'Bearer x' }, false],
  ])('%s %j → %s', (path, headers, expected) => {
    expect(isBearerCandidate(req(path, headers), COOKIE)).toBe(expected);
  });
});

describe('readBearerToken', () => {
  it('returns the token of a Bearer header, any scheme case', () => {
    expect(readBearerToken('Bearer eyJ.a.b')).toBe('eyJ.a.b');
    expect(readBearerToken('bearer  abc-_~+/==')).toBe('abc-_~+/==');
  });

  it.each([['DPoP eyJ.a.b'], ['dpop x']])('refuses the DPoP scheme: %s', (header) => {
    expect(() => readBearerToken(header)).toThrow(InvalidBearerToken);
    expect(() => readBearerToken(header)).toThrow(/DPoP/);
  });

  it.each([['Basic abc'], ['Bearer'], ['Bearer a b'], [''], [undefined], ['Negotiate x']])(
    'answers login_required for %j',
    (header) => {
      expect(() => readBearerToken(header)).toThrow(BearerTokenMissing);
    },
  );

  it.each([['Bearer "x"'], ['Bearer a,b'], ['Bearer =abc'], ['Bearer a\u00e9']])(
    'refuses a malformed token %j',
    (header) => {
      expect(() => readBearerToken(header)).toThrow(InvalidBearerToken);
    },
  );
});
