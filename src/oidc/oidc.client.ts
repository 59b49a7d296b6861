import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { OidcDiscovery } from './oidc-discovery.js';
import { IdpRefused, isIdpUnavailable, LoginFailed, toIdpUnavailable } from './oidc-errors.js';
import { OIDC_FETCH, type OidcFetch } from './oidc-fetch.js';
import {
  type IssuedTokens,
  mapTokenResponse,
  nowInSeconds,
  type TokenMappingOptions,
} from './token-response.js';

/** Parameters of one authorization request; `scope` already vetted against the configuration. */
export interface LoginRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
  scope: string;
  prompt?: string;
  loginHint?: string;
  screenHint?: string;
  acrValues?: string;
  maxAge?: number;
}

/** ID token claims as openid-client reads them (the rest of the BFF imports them from here). */
export type IDToken = client.IDToken;

/** A refresh grant's answer (ID token claims through `claims()`). */
export type RefreshAnswer = client.TokenEndpointResponse & client.TokenEndpointResponseHelpers;

/** What a validated code exchange (or embedded-login grant) yields: the ID token's claims and the tokens. */
export interface CodeExchangeResult extends IssuedTokens {
  claims: client.IDToken;
}

/**
 * The only user of openid-client (docs/architecture.md#the-parts). Authorization code + PKCE S256 with state and nonce, full ID
 * token validation (iss, aud, exp, iat, nonce, alg allow-list, signature via enableNonRepudiationChecks,
 * auth_time with maxAge), refresh, revocation and the end-session URL. Every call has a timeout.
 */
@Injectable()
export class OidcClient implements OnModuleInit, OnApplicationShutdown {
  readonly discovery: OidcDiscovery;

  constructor(
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    @Inject(OIDC_FETCH) fetchImpl: OidcFetch,
    @Inject(ROOT_LOGGER) logger: Logger,
  ) {
    this.discovery = new OidcDiscovery(config, fetchImpl, logger.child({ component: 'oidc' }));
  }

  onModuleInit(): void {
    this.discovery.start();
  }

  onApplicationShutdown(): void {
    this.discovery.stop();
  }

  isReady(): boolean {
    return this.discovery.current !== undefined;
  }

  /** The discovered configuration, or 503 `idp_unavailable` while discovery has not succeeded. */
  private get configuration(): client.Configuration {
    const configuration = this.discovery.current;
    if (!configuration) throw toIdpUnavailable(new Error('discovery not loaded'), true);
    return configuration;
  }

  /** The issuer's metadata (jwks_uri for logout tokens). */
  get serverMetadata(): client.ServerMetadata {
    return this.configuration.serverMetadata();
  }

  async buildLoginUrl(request: LoginRequest): Promise<URL> {
    const params: Record<string, string> = {
      redirect_uri: this.config.redirectUri,
      scope: request.scope,
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
      state: request.state,
      nonce: request.nonce,
      audience: this.config.audience,
    };
    if (request.prompt) params.prompt = request.prompt;
    if (request.loginHint) params.login_hint = request.loginHint;
    if (request.screenHint) params.screen_hint = request.screenHint;
    if (request.acrValues) params.acr_values = request.acrValues;
    if (request.maxAge !== undefined) params.max_age = String(request.maxAge);
    if (!this.config.usePar) return client.buildAuthorizationUrl(this.configuration, params);
    return this.call(() => client.buildAuthorizationUrlWithPAR(this.configuration, params), true);
  }

  /** Exchanges the code and validates the ID token; LoginFailed (400) or IdpUnavailable (503). */
  async exchangeCode(
    callbackUrl: URL,
    checks: { state: string; nonce: string; codeVerifier: string; maxAge?: number },
    dpopKeyPair?: CryptoKeyPair,
  ): Promise<CodeExchangeResult> {
    let response: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      const options = dpopKeyPair
        ? { DPoP: client.getDPoPHandle(this.configuration, dpopKeyPair) }
        : undefined;
      response = await client.authorizationCodeGrant(
        this.configuration,
        callbackUrl,
        {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
          maxAge: checks.maxAge,
        },
        undefined,
        options,
      );
    } catch (err) {
      if (isIdpUnavailable(err)) throw toIdpUnavailable(err, true);
      throw new LoginFailed(
        'The sign-in response could not be verified. Please start again.',
        describe(err),
        err,
      );
    }
    const claims = response.claims();
    if (!claims) throw new LoginFailed('The sign-in response had no ID token.', 'no id_token');
    return { claims, ...mapTokenResponse(response, this.tokenMapping()) };
  }

  /** How `mapTokenResponse` reads an answer received now. */
  tokenMapping(): TokenMappingOptions {
    return { now: nowInSeconds(), defaultLifetimeSeconds: this.config.defaultAccessTokenLifetimeSeconds };
  }

  /**
   * Refresh grant with the My Account audience; with the session's DPoP key when it has one (the new
   * access token stays bound to it). Errors propagate: `OidcClient.isOAuthError(err, 'invalid_grant')`
   * ends the session, `isIdpUnavailable(err)` keeps it (503).
   *
   * The caller waits `oidc.timeoutMs`, then gets a TimeoutError (503). The HTTP call itself goes on (up to
   * LATE_ANSWER_SECONDS): a tenant that was only slow has already rotated the refresh token, and its
   * answer, the only copy of the new one, goes to `onLateAnswer` instead of being dropped.
   */
  async refresh(
    refreshToken: string,
    dpopKeyPair?: CryptoKeyPair,
    onLateAnswer?: (answer: RefreshAnswer) => void,
  ): Promise<RefreshAnswer> {
    const configuration = this.discovery.patient ?? this.configuration;
    const options = dpopKeyPair ? { DPoP: client.getDPoPHandle(configuration, dpopKeyPair) } : undefined;
    const call = client.refreshTokenGrant(
      configuration,
      refreshToken,
      { audience: this.config.audience },
      options,
    );
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DOMException('the token endpoint did not answer in time', 'TimeoutError')),
        this.config.timeoutMs,
      );
    });
    try {
      return await Promise.race([call, gaveUp]);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'TimeoutError')
        call.then((answer) => onLateAnswer?.(answer)).catch(() => undefined);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Best effort: revokes a refresh token; resolves false on any failure (bounded by the timeout). */
  async revokeRefreshToken(refreshToken: string): Promise<boolean> {
    try {
      await client.tokenRevocation(this.configuration, refreshToken, { token_type_hint: 'refresh_token' });
      return true;
    } catch {
      return false;
    }
  }

  /** RP-initiated logout URL: client_id, logout_hint (the OIDC sid), post_logout_redirect_uri; never an ID token. */
  buildEndSessionUrl(oidcSid?: string): string {
    const params: Record<string, string> = { post_logout_redirect_uri: this.config.postLogoutRedirectUri };
    if (oidcSid) params.logout_hint = oidcSid;
    const configuration = this.discovery.current;
    if (!configuration?.serverMetadata().end_session_endpoint) return this.config.postLogoutRedirectUri;
    return client.buildEndSessionUrl(configuration, params).href;
  }

  /** openid-client's error classes, for callers that map refresh outcomes. */
  static isOAuthError(err: unknown, code: string): boolean {
    return err instanceof client.ResponseBodyError && err.error === code;
  }

  /** A response openid-client refused to accept (bad ID token, wrong issuer, bad signature), not an outage. */
  static isInvalidResponse(err: unknown): boolean {
    const raw = (err as { code?: unknown } | undefined)?.code;
    const code = typeof raw === 'string' ? raw : '';
    return !isIdpUnavailable(err) && (REJECTED_RESPONSE.has(code) || code.startsWith('ERR_JW'));
  }

  private async call<T>(fn: () => Promise<T>, html: boolean): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (isIdpUnavailable(err)) throw toIdpUnavailable(err, html);
      throw new IdpRefused(err);
    }
  }
}

/** openid-client / oauth4webapi codes for a response that arrived but failed validation. */
const REJECTED_RESPONSE = new Set([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_KEY_SELECTION_FAILED',
]);

function describe(err: unknown): string {
  if (err instanceof client.AuthorizationResponseError || err instanceof client.ResponseBodyError)
    return `${err.error}`;
  const e = err as { code?: string; message?: string };
  return [e?.code, e?.message].filter(Boolean).join(': ') || 'unknown';
}
