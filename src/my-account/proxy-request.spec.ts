import { parseByteSize, returnToFromReferer, toRouteRequest } from './proxy-request.js';

describe('toRouteRequest', () => {
  it.each([
    ['/api/me/v1/factors', 'GET', { path: '/factors', query: '' }],
    [
      '/api/me/v1/authentication-methods?type=totp',
      'GET',
      { path: '/authentication-methods', query: 'type=totp' },
    ],
    ['/API/Me/V1/factors', 'GET', { path: '/factors', query: '' }],
    ['//api//me/v1/factors', 'GET', { path: '/factors', query: '' }],
    ['/api/me/v1/a%2Fb/%2e%2e', 'GET', { path: '/a%2Fb/%2e%2e', query: '' }],
    [
      '/api/me/v1/authentication-methods/totp%7C1?',
      'DELETE',
      { path: '/authentication-methods/totp%7C1', query: '' },
    ],
    ['/api/me/v1', 'GET', { path: '', query: '' }],
  ])('%s keeps the raw rest of the path for the matcher', (originalUrl, method, expected) => {
    expect(toRouteRequest({ originalUrl, method })).toEqual({ method, ...expected });
  });

  it.each(['/api/me/v1x/factors', '/api/me/v2/factors', '/api/mev1/factors'])(
    'refuses %s as not found',
    (originalUrl) => {
      expect(() => toRouteRequest({ originalUrl, method: 'GET' })).toThrow(
        expect.objectContaining({ status: 404 }),
      );
    },
  );
});

describe('returnToFromReferer', () => {
  const origin = 'https://app.example.com';
  it.each([
    [undefined, '/'],
    ['https://app.example.com/account?tab=mfa', '/account?tab=mfa'],
    ['https://app.example.com', '/'],
    ['https://evil.example/account', '/'],
    ['https://app.example.com.evil.com/x', '/'],
    ['http://app.example.com/x', '/'],
    ['not a url', '/'],
  ])('%s → %s', (referer, expected) => {
    expect(returnToFromReferer(referer, origin)).toBe(expected);
  });
});

describe('parseByteSize', () => {
  it.each([
    ['64kb', 65_536],
    ['1mb', 1_048_576],
    ['100b', 100],
  ])('%s is %d bytes', (value, bytes) => expect(parseByteSize(value)).toBe(bytes));
  it('refuses anything else', () => expect(() => parseByteSize('64 KB')).toThrow());
});
