import { sanitizeUrl } from './http-logger.js';

describe('sanitizeUrl', () => {
  it.each([
    [
      '/auth/callback?code=abc&state=def&iss=http%3A%2F%2Fx',
      '/auth/callback?code=[redacted]&state=[redacted]&iss=http%3A%2F%2Fx',
    ],
    [
      '/authorize?nonce=n&code_challenge=c&scope=openid',
      '/authorize?nonce=[redacted]&code_challenge=[redacted]&scope=openid',
    ],
    ['/oidc/logout?client_id=a&logout_hint=sid', '/oidc/logout?client_id=a&logout_hint=[redacted]'],
    ['/api/session', '/api/session'],
    ['', ''],
  ])('%s', (url, expected) => {
    expect(sanitizeUrl(url)).toBe(expected);
  });

  it('keeps the scheme and host of absolute URLs', () => {
    expect(sanitizeUrl('http://localhost:4000/authorize?state=s')).toBe(
      'http://localhost:4000/authorize?state=[redacted]',
    );
  });
});
