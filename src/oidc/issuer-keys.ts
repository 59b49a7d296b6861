import { Inject, Injectable } from '@nestjs/common';
import { createRemoteJWKSet, customFetch } from 'jose';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { OIDC_FETCH, type OidcFetch } from './oidc-fetch.js';
import { OidcClient } from './oidc.client.js';

export type IssuerKeySet = ReturnType<typeof createRemoteJWKSet>;

/**
 * The issuer's public keys, one cache for everything the BFF verifies (bearer access tokens, logout tokens):
 * `jwks_uri` from discovery, fetched through the OIDC network seam and cached by jose, refetched only for an
 * unknown `kid` and at most every 30 s (RFC 7517 §4.5: keys are found by `kid`), never per request.
 */
@Injectable()
export class IssuerKeys {
  private jwks: IssuerKeySet | undefined;

  constructor(
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    @Inject(OIDC_FETCH) private readonly fetchImpl: OidcFetch,
    private readonly oidc: OidcClient,
  ) {}

  /** The shared key set (created on first use, once discovery has loaded). */
  keySet(): IssuerKeySet {
    this.jwks ??= createRemoteJWKSet(new URL(this.oidc.serverMetadata.jwks_uri as string), {
      timeoutDuration: this.config.timeoutMs,
      [customFetch]: (url, options) => this.fetchImpl(url, options),
    });
    return this.jwks;
  }
}
