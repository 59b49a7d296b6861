import { isSafeReturnTo, normalizeReturnTo } from './return-to.js';

describe('normalizeReturnTo', () => {
  it.each([
    ['/', '/'],
    ['/account', '/account'],
    ['/account/security?tab=mfa#passkeys', '/account/security?tab=mfa#passkeys'],
    ['/search?q=a%20b', '/search?q=a%20b'],
    ['/%7Cpipe', '/%7Cpipe'],
    ['/a/b/../c', '/a/c'],
    ['/a/../b', '/b'],
    ['/a b', '/a%20b'],
    ['/café', '/caf%C3%A9'],
    ['/ä', '/%C3%A4'],
    ['/%2e%2e/x', '/x'],
  ])('keeps the same-origin path %j as %j', (value, expected) => {
    expect(isSafeReturnTo(value)).toBe(true);
    expect(normalizeReturnTo(value)).toBe(expected);
  });

  it.each([
    ['scheme-relative', '//evil.example'],
    ['scheme-relative with path', '//evil.example/account'],
    ['absolute https', 'https://evil.example'],
    ['absolute http', 'http://evil.example/'],
    ['our own host, absolute', 'http://localhost:3000/account'],
    ['backslash', '/\\evil.example'],
    ['backslash later', '/a\\..\\..\\evil'],
    ['encoded slashes, not a path', '%2F%2Fevil.example'],
    ['encoded slashes after one', '/%2F%2Fevil.example'],
    ['encoded slash then slash', '/%2F/evil.example'],
    ['encoded backslash', '/%5Cevil'],
    ['encoded backslash, lower case', '/%5cevil'],
    ['javascript:', 'javascript:alert(1)'],
    ['javascript: behind a slash', '/javascript:alert(1)'.replace('/', '')],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['tab', '/\t/evil.example'],
    ['newline', '/\n/evil.example'],
    ['carriage return', '/\r\n//evil.example'],
    ['encoded tab', '/%09/evil.example'],
    ['encoded newline', '/%0A/evil.example'],
    ['NUL', '/\u0000/evil'],
    ['leading space', ' /account'],
    ['leading tab then slashes', '\t//evil.example'],
    ['triple slash', '///evil.example'],
    ['relative path', 'account'],
    ['dot relative', './account'],
    ['empty', ''],
    ['bad percent-encoding', '/%E0%A4%A'],
    ['user info trick', '/@evil.example'.replace('/', '//')],
    ['too long', `/${'a'.repeat(2100)}`],
    ['encoded slash, lower case', '/%2f/evil.example'],
    ['two backslashes', '\\\\evil.example'],
  ])('sends %s (%j) to /', (_label, value) => {
    expect(isSafeReturnTo(value)).toBe(false);
    expect(normalizeReturnTo(value)).toBe('/');
  });

  it.each([undefined, null, 42, ['/a', '/b'], { a: 1 }])('sends the non-string %j to /', (value) => {
    expect(normalizeReturnTo(value)).toBe('/');
  });
});
