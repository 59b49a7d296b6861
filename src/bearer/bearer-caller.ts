/**
 * A caller without a session that presented a user's My Account access token
 * (docs/architecture.md#bearer-callers): set on the request by `BearerGuard` after the token was validated
 * (signature against the tenant's JWKS, iss, aud, exp, alg allow-list, not a client-credentials token). Only
 * on `/api/me/v1/*` requests that carry no session cookie; with a session cookie it is never set (the cookie
 * wins).
 */
export interface BearerCaller {
  /** The validated token, to forward as `Authorization: Bearer <accessToken>`; never logged or returned. */
  accessToken: string;
  /** The token's `scope` claim, split on spaces. */
  scopes: string[];
  /** The user (`sub` claim). */
  sub: string;
}

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `BearerGuard` for a validated bearer caller; absent otherwise. */
    bearerCaller?: BearerCaller;
  }
}
