import { decodeJwt } from 'jose';

/**
 * The one mapping of a token endpoint answer (RFC 6749 §5.1) to the tokens the BFF keeps: the code
 * exchange, the embedded-login grants and the refresh all go through `mapTokenResponse`.
 */

/** What a token endpoint answered (openid-client's `TokenEndpointResponse`, the fields used here). */
export interface TokenEndpointAnswer {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
  readonly expires_in?: number;
  readonly token_type: string;
  readonly scope?: string;
}

/** Tokens as the BFF keeps them (the session's token record adds its DPoP key). */
export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  idToken?: string;
  /** Access token expiry, epoch seconds. */
  expiresAt: number;
  /** When the BFF received the access token, epoch seconds: with `expiresAt`, its lifetime. */
  issuedAt?: number;
  tokenType: 'bearer' | 'dpop';
  scope?: string;
}

export interface TokenMappingOptions {
  /** Epoch seconds now. */
  readonly now: number;
  /** Lifetime assumed when the answer says nothing about it (`oidc.defaultAccessTokenLifetimeSeconds`). */
  readonly defaultLifetimeSeconds: number;
}

/**
 * Maps an answer; `previous` (a refresh) supplies what the answer may leave out: the refresh token
 * (RFC 6749 §6: a new one is optional), the ID token (OIDC Core §12.2) and the scope (RFC 6749 §5.1:
 * omitted when unchanged).
 */
export function mapTokenResponse(
  answer: TokenEndpointAnswer,
  options: TokenMappingOptions,
  previous?: Pick<IssuedTokens, 'refreshToken' | 'idToken' | 'scope'>,
): IssuedTokens {
  return {
    accessToken: answer.access_token,
    refreshToken: answer.refresh_token ?? previous?.refreshToken,
    idToken: answer.id_token ?? previous?.idToken,
    expiresAt: options.now + accessTokenLifetime(answer, options),
    issuedAt: options.now,
    tokenType: answer.token_type.toLowerCase() === 'dpop' ? 'dpop' : 'bearer',
    scope: answer.scope ?? previous?.scope,
  };
}

/**
 * Seconds the access token lives. `expires_in` when given. Without it the lifetime is unknown, not zero
 * (RFC 6749 §5.1: RECOMMENDED, else "the authorization server SHOULD provide the expiration time via other
 * means or document the default value"): the access token's own `exp` when it is a JWT (read, not
 * verified: it only schedules the refresh, the resource server still validates the token), else the
 * configured default. Treating "unknown" as "expired" would refresh on every request.
 */
export function accessTokenLifetime(answer: TokenEndpointAnswer, options: TokenMappingOptions): number {
  const { expires_in: expiresIn } = answer;
  if (typeof expiresIn === 'number' && Number.isFinite(expiresIn)) return Math.max(0, Math.floor(expiresIn));
  const exp = jwtExpiry(answer.access_token);
  if (exp !== undefined) return Math.max(0, exp - options.now);
  return options.defaultLifetimeSeconds;
}

function jwtExpiry(token: string): number | undefined {
  try {
    const { exp } = decodeJwt(token);
    return typeof exp === 'number' && Number.isFinite(exp) ? Math.floor(exp) : undefined;
  } catch {
    return undefined; // opaque
  }
}

export function nowInSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
