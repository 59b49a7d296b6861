import type { ReplayGuard } from '../oidc/replay-guard.js';
import type { RedisClient } from './redis.factory.js';
import type { SessionKeys } from './session-keys.js';
import { type SingleUseCodec, SingleUseStore } from './single-use.store.js';

/** A spent id holds no data: the key's existence is the mark. */
const MARK: SingleUseCodec<true> = { seal: () => '1', open: () => true };

/**
 * Remembers single-use ids until they expire: back-channel logout token ids (replay, OIDC BCL §2.6 step 9
 * ff.) and spent login states (RFC 9700 §4.2.4). A `SingleUseStore` put: `SET NX EX`, the first caller
 * wins, across instances. Provided to the logout-token check as its `REPLAY_GUARD`
 * (src/oidc/replay-guard.ts).
 */
export class ReplayCache implements ReplayGuard {
  /** Keyed by the full key (`SessionKeys.usedJti`): the issuer is part of it. */
  private readonly spent: SingleUseStore<true>;

  constructor(
    redis: RedisClient,
    private readonly keys: SessionKeys,
    retryAfterSeconds: number,
  ) {
    this.spent = new SingleUseStore(redis, (key) => key, retryAfterSeconds, MARK);
  }

  /** True the first time `jti` is seen for `issuer`; false for a replay. */
  firstUse(issuer: string, jti: string, ttlSeconds: number): Promise<boolean> {
    return this.spent.put(this.keys.usedJti(issuer, jti), true, ttlSeconds);
  }
}
