import type { ReplayGuard } from '../oidc/replay-guard.js';
import type { RedisClient } from './redis.factory.js';
import { SessionStoreError } from './redis-session.store.js';
import type { SessionKeys } from './session-keys.js';

/**
 * Remembers single-use ids until they expire: back-channel logout token ids (replay, OIDC BCL §2.6 step 9
 * ff.) and spent login states (RFC 9700 §4.2.4). `SET NX EX`: the first caller wins, across instances.
 * Provided to the logout-token check as its `REPLAY_GUARD` (src/oidc/replay-guard.ts).
 */
export class ReplayCache implements ReplayGuard {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SessionKeys,
    private readonly retryAfterSeconds: number,
  ) {}

  /** True the first time `jti` is seen for `issuer`; false for a replay. */
  async firstUse(issuer: string, jti: string, ttlSeconds: number): Promise<boolean> {
    try {
      const ok = await this.redis.set(
        this.keys.usedJti(issuer, jti),
        '1',
        'EX',
        Math.max(1, Math.ceil(ttlSeconds)),
        'NX',
      );
      return ok === 'OK';
    } catch (err) {
      throw new SessionStoreError(err, this.retryAfterSeconds);
    }
  }
}
