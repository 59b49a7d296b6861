import type { RedisClient } from './redis.factory.js';
import type { SessionKeys } from './session-keys.js';
import { type SingleUseCodec, SingleUseStore } from './single-use.store.js';
import { callStore } from './store-call.js';

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

/**
 * Redis for the features outside src/session/ (login loop, connected accounts, embedded login, rate
 * limits, readiness): they never see the client. Keys come from `keys` (the one keyspace); every
 * command's failure is `SessionStoreError`, a 503 with `Retry-After` (`callStore`), except `ping`,
 * which answers false.
 */
export class RedisAdapter {
  constructor(
    private readonly redis: RedisClient,
    readonly keys: SessionKeys,
    private readonly retryAfterSeconds: number,
  ) {}

  /** A store of values read once, under the keys `keyOf` builds (`SingleUseStore`). */
  singleUse<T>(keyOf: (id: string) => string, codec?: SingleUseCodec<T>): SingleUseStore<T> {
    return new SingleUseStore<T>(this.redis, keyOf, this.retryAfterSeconds, codec);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.call(() => this.redis.get(key))) ?? undefined;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    await this.call(() => this.redis.set(key, value, 'EX', ttlSeconds));
  }

  async delete(key: string): Promise<void> {
    await this.call(() => this.redis.del(key));
  }

  /**
   * Counts one hit in a fixed window that starts at the first hit and expires by Redis's own clock, so
   * the instances' clocks never matter. One key (its own hash tag): fine on Redis Cluster.
   */
  async countHit(key: string, windowMs: number): Promise<WindowCount> {
    const [count, ttl] = (await this.call(() => this.redis.eval(HIT, 1, key, String(windowMs)))) as [
      number,
      number,
    ];
    return { count: Number(count), resetInMs: Math.max(0, Number(ttl)) };
  }

  /** Readiness: true when Redis answers `PING` within the command deadline (RED-1). Never throws. */
  async ping(): Promise<boolean> {
    return this.redis.ping().then(
      () => true,
      () => false,
    );
  }

  private call<T>(command: () => Promise<T>): Promise<T> {
    return callStore(this.retryAfterSeconds, command);
  }
}
