import { accessTokenLifetime, mapTokenResponse } from './token-response.js';

const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${part({ alg: 'RS256' })}.${part(claims)}.sig`;
const now = 1_700_000_000;
const options = { now, defaultLifetimeSeconds: 60 };

describe('mapTokenResponse', () => {
  it('maps every field; expiresAt from expires_in, issuedAt now; DPoP recognised in any case', () => {
    expect(
      mapTokenResponse(
        {
          access_token: 'at',
          refresh_token: 'rt',
          id_token: 'idt',
          expires_in: 600,
          token_type: 'DPoP',
          scope: 'a b',
        },
        options,
      ),
    ).toEqual({
      accessToken: 'at',
      refreshToken: 'rt',
      idToken: 'idt',
      expiresAt: now + 600,
      issuedAt: now,
      tokenType: 'dpop',
      scope: 'a b',
    });
  });

  it('keeps the previous refresh token, ID token and scope when a refresh answer leaves them out', () => {
    const mapped = mapTokenResponse({ access_token: 'at2', token_type: 'Bearer', expires_in: 60 }, options, {
      refreshToken: 'rt1',
      idToken: 'id1',
      scope: 's',
    });
    expect(mapped).toMatchObject({ accessToken: 'at2', refreshToken: 'rt1', idToken: 'id1', scope: 's' });
    expect(mapped.tokenType).toBe('bearer');
  });

  it('takes what a refresh answer sends over the previous values', () => {
    const mapped = mapTokenResponse(
      { access_token: 'at2', refresh_token: 'rt2', token_type: 'bearer', expires_in: 60, scope: 't' },
      options,
      { refreshToken: 'rt1', scope: 's' },
    );
    expect(mapped).toMatchObject({ refreshToken: 'rt2', scope: 't' });
  });
});

describe('accessTokenLifetime: a missing expires_in is unknown, not expired', () => {
  it.each([
    ['expires_in', { access_token: jwt({ exp: now + 999 }), expires_in: 300 }, 300],
    ['expires_in 0', { access_token: 'opaque', expires_in: 0 }, 0],
    ['a fractional expires_in, rounded down', { access_token: 'opaque', expires_in: 90.9 }, 90],
    ['a negative expires_in, as expired', { access_token: 'opaque', expires_in: -5 }, 0],
    ['no expires_in, a JWT with exp: its exp', { access_token: jwt({ exp: now + 900 }) }, 900],
    ['no expires_in, a JWT already expired', { access_token: jwt({ exp: now - 10 }) }, 0],
    ['no expires_in, a JWT without exp: the default', { access_token: jwt({ sub: 'x' }) }, 60],
    ['no expires_in, a JWT with a string exp: the default', { access_token: jwt({ exp: 'soon' }) }, 60],
    ['no expires_in, an opaque token: the default', { access_token: 'opaque-Zx81' }, 60],
    ['no expires_in, three dots of garbage: the default', { access_token: 'a.b.c' }, 60],
  ])('%s', (_name, answer, expected) => {
    expect(accessTokenLifetime({ token_type: 'bearer', ...answer }, options)).toBe(expected);
  });
});
