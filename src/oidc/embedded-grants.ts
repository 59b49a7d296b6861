import { Inject, Injectable } from '@nestjs/common';
import * as client from 'openid-client';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { OIDC_FETCH, type OidcFetch } from './oidc-fetch.js';
import type { CodeExchangeResult } from './oidc.client.js';
import { OidcClient } from './oidc.client.js';
import { isIdpUnavailable, toIdpUnavailable } from './oidc-errors.js';
import { mapTokenResponse } from './token-response.js';

/** Auth0 embedded-login grants (my-account-api.md §9.7, §9.8). */
export const WEBAUTHN_GRANT = 'urn:okta:params:oauth:grant-type:webauthn';
export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

/** WebAuthn request options as `POST /passkey/challenge` answers them (`authn_params_public_key`). */
export interface PasskeyRequestOptions {
  challenge: string;
  timeout?: number;
  rpId?: string;
  userVerification?: string;
}

export interface PasskeyChallenge {
  /** Auth0's `auth_session`: redeemed once by the webauthn grant; never leaves the server. */
  authSession: string;
  publicKey: PasskeyRequestOptions;
}

/** The identity provider answered with an OAuth error (`invalid_grant`, `mfa_required`, ...). */
export class EmbeddedGrantRefused extends Error {
  constructor(
    readonly error: string,
    readonly status: number,
    cause?: unknown,
  ) {
    super(`token endpoint refused: ${error}`, { cause });
  }
}

/** The answer arrived but failed validation (ID token signature, iss, aud, exp...). */
export class EmbeddedGrantInvalidResponse extends Error {}

const text = (v: unknown, max = 1024) =>
  typeof v === 'string' && v.length > 0 && v.length <= max ? v : undefined;

/**
 * Grants that authenticate the user at the token endpoint, on the OidcClient's discovered
 * `Configuration` (same client authentication, timeout, ID-token checks: signature, iss, aud, exp, iat,
 * alg allow-list), plus Auth0's `POST /passkey/challenge`, which is not OAuth.
 */
@Injectable()
export class EmbeddedGrants {
  constructor(
    private readonly oidc: OidcClient,
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    @Inject(OIDC_FETCH) private readonly fetchImpl: OidcFetch,
  ) {}

  private get configuration(): client.Configuration {
    const configuration = this.oidc.discovery.current;
    if (!configuration) throw toIdpUnavailable(new Error('discovery not loaded'));
    return configuration;
  }

  /** `POST {issuer}passkey/challenge` with the BFF's client credentials (client_secret in the body). */
  async passkeyChallenge(realm?: string): Promise<PasskeyChallenge> {
    const url = new URL('passkey/challenge', this.configuration.serverMetadata().issuer.replace(/\/?$/, '/'));
    const body: Record<string, string> = { client_id: this.config.clientId };
    if (this.config.clientSecret) body.client_secret = this.config.clientSecret;
    if (realm) body.realm = realm;
    let res: Response;
    try {
      res = await this.fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
    } catch (err) {
      throw toIdpUnavailable(err);
    }
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (res.status >= 500) throw toIdpUnavailable(new Error(`passkey challenge answered ${res.status}`));
    if (res.status !== 200) throw new EmbeddedGrantRefused(text(json?.error, 64) ?? 'unknown', res.status);
    const options = json?.authn_params_public_key as Record<string, unknown> | undefined;
    const authSession = text(json?.auth_session);
    const challenge = text(options?.challenge);
    if (!authSession || !challenge)
      throw new EmbeddedGrantInvalidResponse('passkey challenge: unexpected answer');
    return {
      authSession,
      publicKey: {
        challenge,
        timeout: typeof options?.timeout === 'number' ? options.timeout : undefined,
        rpId: text(options?.rpId, 253),
        userVerification: text(options?.userVerification, 16),
      },
    };
  }

  /** A token-endpoint grant; the ID token is required and validated. */
  async exchange(
    grantType: string,
    parameters: Record<string, string>,
    dpopKeyPair?: CryptoKeyPair,
  ): Promise<CodeExchangeResult> {
    const configuration = this.configuration;
    let response: Awaited<ReturnType<typeof client.genericGrantRequest>>;
    try {
      const options = dpopKeyPair ? { DPoP: client.getDPoPHandle(configuration, dpopKeyPair) } : undefined;
      response = await client.genericGrantRequest(configuration, grantType, parameters, options);
    } catch (err) {
      if (isIdpUnavailable(err)) throw toIdpUnavailable(err);
      if (err instanceof client.ResponseBodyError) throw new EmbeddedGrantRefused(err.error, err.status, err);
      throw new EmbeddedGrantInvalidResponse('token response rejected', { cause: err });
    }
    const claims = response.claims();
    if (!claims) throw new EmbeddedGrantInvalidResponse('no ID token');
    return { claims, ...mapTokenResponse(response, this.oidc.tokenMapping()) };
  }
}
