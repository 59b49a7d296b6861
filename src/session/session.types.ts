import type { JWK } from 'jose';
import type { IssuedTokens } from '../oidc/token-response.js';

/**
 * What lives in Redis for a session (docs/architecture.md#the-redis-keyspace). Tokens are apart, encrypted
 * (token.store.ts).
 */

export interface SessionUser {
  sub: string;
  iss: string;
  name?: string;
  email?: string;
  picture?: string;
}

declare module 'express-session' {
  interface SessionData {
    user: SessionUser;
    /** The OIDC session id (`sid` claim): back-channel logout and `logout_hint`. */
    oidcSid?: string;
    /** `auth_time` of the login that created this session (epoch seconds). */
    authTime?: number;
    /** MFA facts: `auth_time` of the last login whose ID token showed MFA (epoch seconds). */
    mfa: { lastMfaAt: number | null };
    csrfToken: string;
    /** Set by the store from its own record (epoch ms): creation and last recorded activity. */
    createdAt: number;
    lastSeenAt: number;
    userAgent: string | null;
    /** Scopes the tenant granted (token response `scope`). */
    scopes: string[];
  }
}

/**
 * The token record of a session (mapped by `mapTokenResponse`); `version` increments on every write
 * (compare-and-set). Records written before `issuedAt` existed lack it (refresh margin: 30 s).
 */
export interface TokenSet extends IssuedTokens {
  /** The session's DPoP key (a P-256 private JWK) when `myAccount.tokenType` is dpop. */
  dpopKey?: JWK;
}

export interface VersionedTokens {
  tokens: TokenSet;
  version: number;
}

/** The session record's data, for code outside src/session that reads it (express-session's type). */
export type { SessionData } from 'express-session';
