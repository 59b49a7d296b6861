import type { RedisAdapter, WindowCount } from '../session/redis.adapter.js';

/**
 * Fixed-window counters in Redis, shared by every BFF instance: one key per policy and subject
 * (`SessionKeys.rateLimit`, the subject hashed: no IP address or session handle is stored in clear);
 * the window starts at the first hit and expires by Redis's own clock (`RedisAdapter.countHit`).
 */
export class RateLimitStore {
  constructor(private readonly store: RedisAdapter) {}

  /** Counts one hit; rejects when Redis does not answer (the caller fails closed). */
  hit(policy: string, subject: string, windowSeconds: number): Promise<WindowCount> {
    return this.store.countHit(this.store.keys.rateLimit(policy, subject), windowSeconds * 1000);
  }
}
