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

  it.each([
    'code',
    'connect_code',
    'CONNECT_CODE',
    'user_code',
    'device_code',
    'state',
    'nonce',
    'code_verifier',
    'code_challenge',
    'request_uri',
    'access_token',
    'refresh_token',
    'id_token_hint',
    'logout_token',
    'token',
    'login_hint',
    'logout_hint',
    'client_secret',
    'client_assertion',
    'client_assertion_type',
    'assertion',
    'ticket',
    'auth_session',
    'authSession',
    'otp',
    'password',
    'api_key',
    'sid',
    'oidc.sid',
    'csrf',
    'signature',
  ])('redacts %s by rule', (name) => {
    expect(sanitizeUrl(`/x?${name}=s3cr3t-value`)).toBe(`/x?${encodeURIComponent(name)}=[redacted]`);
  });

  it.each(['returnTo', 'connection', 'scope', 'iss', 'client_id', 'error', 'prompt', 'consider'])(
    'keeps %s',
    (name) => {
      expect(sanitizeUrl(`/x?${name}=visible`)).toBe(`/x?${name}=visible`);
    },
  );

  it('redacts every repetition of a secret parameter and keeps the others', () => {
    expect(sanitizeUrl('/x?connect_code=a&connect_code=b&scope=s&scope=t')).toBe(
      '/x?connect_code=[redacted]&connect_code=[redacted]&scope=s&scope=t',
    );
  });

  it('keeps the scheme and host of absolute URLs', () => {
    expect(sanitizeUrl('http://localhost:4000/authorize?state=s')).toBe(
      'http://localhost:4000/authorize?state=[redacted]',
    );
  });
});
