import { toBearerCaller } from './bearer-claims.js';
import { InvalidBearerToken } from './bearer-errors.js';

const exp = Math.floor(Date.now() / 1000) + 60;
const user = { sub: 'auth0|123', exp, scope: 'read:me:factors  create:me:connected_accounts' };

describe('toBearerCaller', () => {
  it('keeps the token, the subject and the scopes (split on spaces)', () => {
    expect(toBearerCaller('t0k', user)).toEqual({
      accessToken: 't0k',
      sub: 'auth0|123',
      scopes: ['read:me:factors', 'create:me:connected_accounts'],
    });
    expect(toBearerCaller('t', { sub: 's', exp }).scopes).toEqual([]);
  });

  it.each([
    ['client-credentials gty', { ...user, gty: 'client-credentials' }, /[Cc]lient-credentials/],
    ['an @clients subject', { ...user, sub: 'abc@clients' }, /[Cc]lient-credentials/],
    ['no subject', { ...user, sub: undefined }, /subject/],
    ['an empty subject', { ...user, sub: '' }, /subject/],
    ['a numeric subject', { ...user, sub: 42 }, /subject/],
    ['no exp', { ...user, exp: undefined }, /expiry/],
    ['a DPoP binding', { ...user, cnf: { jkt: 'abc' } }, /DPoP/],
    ['a malformed cnf', { ...user, cnf: 'x' }, /DPoP/],
    ['a non-string scope', { ...user, scope: ['a'] }, /scope/],
  ])('refuses %s with 401 invalid_token', (_name, claims, detail) => {
    let error: unknown;
    try {
      toBearerCaller('t', claims);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InvalidBearerToken);
    expect(error).toMatchObject({
      status: 401,
      code: 'invalid_token',
      detail: expect.stringMatching(detail),
    });
  });

  it('accepts other grant types (password-realm, refresh_token)', () => {
    expect(toBearerCaller('t', { ...user, gty: 'password' }).sub).toBe('auth0|123');
    expect(toBearerCaller('t', { ...user, gty: ['refresh_token'] }).sub).toBe('auth0|123');
  });
});
