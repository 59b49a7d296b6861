import { Inject, Injectable } from '@nestjs/common';
import {
  createRemoteJWKSet,
  customFetch,
  decodeProtectedHeader,
  errors,
  type ProtectedHeaderParameters,
} from 'jose';
import { KeyObject } from 'node:crypto';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { BffError, IdpUnavailable } from '../http/bff-error.js';
import { OIDC_FETCH, type OidcFetch } from '../oidc/oidc-fetch.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { InvalidBearerToken } from './bearer-errors.js';

/** Signature algorithms of My Account access tokens (Auth0 signs RS256); never `none` or HS*. */
export const BEARER_ALGORITHMS = ['RS256', 'ES256'] as const;
const ALLOWED = new Set<string>(BEARER_ALGORITHMS);
/** RFC 9068 `at+jwt`, or Auth0's plain `JWT`; anything else (logout+jwt, dpop+jwt, ...) is another kind of token. */
const ACCEPTED_TYP = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/**
 * The issuer's public keys for bearer callers: `jwks_uri` from discovery, fetched once through the OIDC
 * network seam and cached by jose (refetched only for an unknown `kid`, at most every 30 s: DESIGN §11,
 * no per-request JWKS fetch). Returns Node KeyObjects for passport-jwt's verifier.
 */
@Injectable()
export class BearerKeys {
  private jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

  constructor(
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    @Inject(OIDC_FETCH) private readonly fetchImpl: OidcFetch,
    private readonly oidc: OidcClient,
  ) {}

  /** The key that signed `token`; InvalidBearerToken (401) for a bad header, IdpUnavailable (503) for an outage. */
  async keyFor(token: string): Promise<KeyObject> {
    const header = readHeader(token);
    try {
      return KeyObject.from(await this.keySet()(header));
    } catch (err) {
      if (err instanceof BffError) throw err;
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
        throw new InvalidBearerToken('The access token was not signed by a key of the issuer.', err);
      throw new IdpUnavailable('The issuer keys could not be loaded. Try again shortly.', false, err);
    }
  }

  private keySet(): ReturnType<typeof createRemoteJWKSet> {
    this.jwks ??= createRemoteJWKSet(new URL(this.oidc.serverMetadata.jwks_uri as string), {
      timeoutDuration: this.config.timeoutMs,
      [customFetch]: (url, options) => this.fetchImpl(url, options),
    });
    return this.jwks;
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
