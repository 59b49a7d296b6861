import type { TokenSet } from './session.types.js';

/** Refresh at most this long before the access token expires (clock skew, request latency). */
export const MAX_REFRESH_MARGIN_SECONDS = 30;

/**
 * How long before expiry a token is refreshed: min(30 s, a quarter of its lifetime). A fixed 30 s would
 * refresh a token living 30 s or less on every request; a quarter keeps three quarters of any lifetime
 * usable. Records without `issuedAt` (written before it existed) get the full 30 s.
 */
export function refreshMarginSeconds(tokens: Pick<TokenSet, 'expiresAt' | 'issuedAt'>): number {
  if (tokens.issuedAt === undefined) return MAX_REFRESH_MARGIN_SECONDS;
  const lifetime = Math.max(0, tokens.expiresAt - tokens.issuedAt);
  return Math.min(MAX_REFRESH_MARGIN_SECONDS, lifetime / 4);
}

/** True while the access token is usable without a refresh (`now`: epoch seconds). */
export function isFresh(tokens: Pick<TokenSet, 'expiresAt' | 'issuedAt'>, now: number): boolean {
  return tokens.expiresAt - now > refreshMarginSeconds(tokens);
}
