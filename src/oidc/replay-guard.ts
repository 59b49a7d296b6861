/**
 * What the logout-token check needs to refuse a replayed `jti` (OIDC Back-Channel Logout §2.6): the first
 * caller for an id wins, across instances, until the id expires. The session adapter implements it over
 * Redis (`ReplayCache`, src/session/replay-cache.ts) and provides it as `REPLAY_GUARD`; the identity
 * provider adapter does not depend on the store.
 */
export interface ReplayGuard {
  /** True the first time `jti` is seen for `issuer`; false for a replay. */
  firstUse(issuer: string, jti: string, ttlSeconds: number): Promise<boolean>;
}

export const REPLAY_GUARD = 'REPLAY_GUARD';
