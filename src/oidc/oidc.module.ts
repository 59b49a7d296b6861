import { type DynamicModule, Global, Module } from '@nestjs/common';
import { IssuerKeys } from './issuer-keys.js';
import { LogoutTokenVerifier } from './logout-token.verifier.js';
import { OIDC_FETCH, type OidcFetch } from './oidc-fetch.js';
import { OidcClient } from './oidc.client.js';

/** The identity provider adapter (openid-client, jose). `fetch` replaces the network seam in tests. */
@Global()
@Module({})
export class OidcModule {
  static forRoot(options: { fetch?: OidcFetch } = {}): DynamicModule {
    return {
      module: OidcModule,
      providers: [
        {
          provide: OIDC_FETCH,
          useValue: options.fetch ?? ((...args: Parameters<OidcFetch>) => globalThis.fetch(...args)),
        },
        OidcClient,
        IssuerKeys,
        LogoutTokenVerifier,
      ],
      exports: [OIDC_FETCH, OidcClient, IssuerKeys, LogoutTokenVerifier],
    };
  }
}
