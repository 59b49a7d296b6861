import type { BearerCaller } from './bearer-caller.js';
import { InvalidBearerToken } from './bearer-errors.js';

/** Claims of a verified My Account access token (signature, iss, aud, exp already checked). */
export type AccessTokenClaims = Readonly<Record<string, unknown>>;

/**
 * The checks beyond the signature (my-account-api.md §2.5, §13 item 2): a user token, never a
 * client-credentials one (`gty`, or a `sub` ending in `@clients` as Auth0 writes M2M subjects), with an
 * `exp`, and not DPoP-bound (`cnf.jkt`: the BFF forwards as Bearer and cannot sign proofs for it).
 */
export function toBearerCaller(accessToken: string, claims: AccessTokenClaims): BearerCaller {
  const sub = claims.sub;
  if (typeof sub !== 'string' || sub === '') throw new InvalidBearerToken('The access token has no subject.');
  if (typeof claims.exp !== 'number') throw new InvalidBearerToken('The access token has no expiry.');
  if (isClientCredentials(claims))
    throw new InvalidBearerToken('Client-credentials tokens cannot call the My Account API.');
  const cnf = claims.cnf;
  if (cnf !== undefined && (typeof cnf !== 'object' || cnf === null || 'jkt' in cnf))
    throw new InvalidBearerToken('DPoP-bound tokens cannot be used as Bearer tokens.');
  if (claims.scope !== undefined && typeof claims.scope !== 'string')
    throw new InvalidBearerToken('The access token has a malformed scope.');
  const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
  return { accessToken, scopes, sub };
}

function isClientCredentials(claims: AccessTokenClaims): boolean {
  const sub = String(claims.sub);
  return claims.gty === 'client-credentials' || sub.endsWith('@clients');
}
