import { createHash } from 'node:crypto';
import type { RedisClient } from '../session/redis.factory.js';

/**
 * Fixed-window counters in Redis, shared by every BFF instance. One key per policy and subject; the
 * window starts at the first hit and expires by Redis's own clock (instances' clocks never matter).
 * The subject is hashed: no IP address or session handle is stored in clear.
 */

// INCR, then set the window's expiry when the key is new (or lost its TTL); answers {count, ms left}.
const HIT = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}`;

export interface WindowCount {
  /** Hits in the current window, this one included. */
  readonly count: number;
  /** Milliseconds until the window ends. */
  readonly resetInMs: number;
}

export class RateLimitStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
  ) {}

  /** Counts one hit; rejects when Redis does not answer (the caller fails closed). */
  async hit(policy: string, subject: string, windowSeconds: number): Promise<WindowCount> {
    const digest = createHash('sha256').update(subject).digest('base64url').slice(0, 22);
    // One key, its own hash tag: fine on Redis Cluster.
    const key = `${this.prefix}{rl:${policy}:${digest}}`;
    const [count, ttl] = (await this.redis.eval(HIT, 1, key, String(windowSeconds * 1000))) as [
      number,
      number,
    ];
    return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
  }
}
