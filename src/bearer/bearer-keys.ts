import { Injectable } from '@nestjs/common';
import { decodeProtectedHeader, errors, type ProtectedHeaderParameters } from 'jose';
import { KeyObject } from 'node:crypto';
import { BffError, IdpUnavailable } from '../http/bff-error.js';
import { IssuerKeys } from '../oidc/issuer-keys.js';
import { InvalidBearerToken } from './bearer-errors.js';

/** Signature algorithms of My Account access tokens (Auth0 signs RS256); never `none` or HS*. */
export const BEARER_ALGORITHMS = ['RS256', 'ES256'] as const;
const ALLOWED = new Set<string>(BEARER_ALGORITHMS);
/** RFC 9068 `at+jwt`, or Auth0's plain `JWT`; anything else (logout+jwt, dpop+jwt, ...) is another kind of token. */
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/**
 * The issuer's public keys for bearer callers, from the one issuer key cache (IssuerKeys, shared with the
 * logout-token verifier). Returns Node KeyObjects for passport-jwt's verifier.
 */
@Injectable()
export class BearerKeys {
  constructor(private readonly keys: IssuerKeys) {}

  /** The key that signed `token`; InvalidBearerToken (401) for a bad header, IdpUnavailable (503) for an outage. */
  async keyFor(token: string): Promise<KeyObject> {
    const header = readHeader(token);
    try {
      return KeyObject.from(await this.keys.keySet()(header));
    } catch (err) {
      if (err instanceof BffError) throw err;
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
        throw new InvalidBearerToken('The access token was not signed by a key of the issuer.', err);
      throw new IdpUnavailable('The issuer keys could not be loaded. Try again shortly.', false, err);
    }
  }
}

function readHeader(token: string): ProtectedHeaderParameters {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(token);
  } catch (err) {
    throw new InvalidBearerToken('The access token is not a signed JWT.', err);
  }
  if (typeof header.alg !== 'string' || !ALLOWED.has(header.alg))
    throw new InvalidBearerToken(
      `The access token algorithm is not allowed (${BEARER_ALGORITHMS.join(', ')} only).`,
    );
  if (header.typ !== undefined && !ACCEPTED_TYP.has(header.typ.toLowerCase()))
    throw new InvalidBearerToken('The token is not an access token.');
  return header;
}
