import { createRequire } from 'node:module';
import { cookieSecretKeys, readSignedSessionId, unsignCookieValue } from './signed-cookie.js';

/** express-session's own signer (its dependency), as the reference for the format. */
const signature = createRequire(import.meta.url)('cookie-signature') as {
  sign(value: string, secret: string): string;
  unsign(signed: string, secret: string): string | false;
};

const SID = 'tW3f-8AJJVSi-qMlc4Jl9bdamKoCTlEx2-enAIkZYuY';
const SECRETS = ['current-secret-0123456789abcdef', 'previous-secret-0123456789abcdef'];
/** The cookie as express-session sets it: `s:` + cookie-signature's `sign`, URI-encoded. */
const cookieFor = (sid: string, secret: string) => encodeURIComponent(`s:${signature.sign(sid, secret)}`);

describe('readSignedSessionId (express-session cookie format)', () => {
  it.each([
    ['signed with the current secret', `__Host-bff=${cookieFor(SID, SECRETS[0])}`, SID],
    ['signed with a previous secret (rotation)', `__Host-bff=${cookieFor(SID, SECRETS[1])}`, SID],
    ['among other cookies', `a=1; __Host-bff=${cookieFor(SID, SECRETS[0])}; __Host-bff-tx=x`, SID],
    ['not URI-encoded', `__Host-bff=s:${signature.sign(SID, SECRETS[0])}`, SID],
    [
      'signed with another secret',
      `__Host-bff=${cookieFor(SID, 'another-secret-0123456789abcdef')}`,
      undefined,
    ],
    ['a forged signature', `__Host-bff=s%3A${SID}.${'A'.repeat(43)}`, undefined],
    [
      'another id under a valid signature',
      `__Host-bff=${cookieFor(SID, SECRETS[0]).replace('tW3f', 'xW3f')}`,
      undefined,
    ],
    ['unsigned', `__Host-bff=${SID}`, undefined],
    ['no signature', `__Host-bff=s%3A${SID}`, undefined],
    [
      'the name twice',
      `__Host-bff=${cookieFor(SID, SECRETS[0])}; __Host-bff=${cookieFor(SID, SECRETS[0])}`,
      undefined,
    ],
    ['quoted', `__Host-bff="${cookieFor(SID, SECRETS[0])}"`, undefined],
    ['a broken escape', `__Host-bff=s%3A%E0%A4%A`, undefined],
    ['another cookie only', `__Host-bff-tx=${cookieFor(SID, SECRETS[0])}`, undefined],
    ['no header', undefined, undefined],
  ])('%s', (_name, header, expected) => {
    expect(readSignedSessionId(header, '__Host-bff', SECRETS)).toBe(expected);
  });

  it('agrees with cookie-signature on any value', () => {
    for (const value of ['a', 'a.b', '', 'x'.repeat(100), 'ü.ö']) {
      const signed = signature.sign(value, SECRETS[0]);
      expect(unsignCookieValue(signed, SECRETS)).toBe(signature.unsign(signed, SECRETS[0]) || undefined);
      expect(unsignCookieValue(`${signed}x`, SECRETS)).toBeUndefined();
    }
  });

  it('verifies the same with the secrets imported as keys (cookieSecretKeys), rotation included', () => {
    const keys = cookieSecretKeys(SECRETS);
    for (const secret of SECRETS) {
      for (const value of ['a', 'a.b', 'x'.repeat(100), 'ü.ö', SID]) {
        expect(unsignCookieValue(signature.sign(value, secret), keys)).toBe(value);
        expect(unsignCookieValue(`${signature.sign(value, secret)}x`, keys)).toBeUndefined();
      }
    }
    expect(unsignCookieValue(signature.sign('a', 'another secret'), keys)).toBeUndefined();
    expect(readSignedSessionId(`__Host-bff=${cookieFor(SID, SECRETS[1])}`, '__Host-bff', keys)).toBe(SID);
  });
});
