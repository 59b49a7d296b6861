import { randomBytes } from 'node:crypto';
import type { RedisClient } from './redis.factory.js';
import type { SessionKeys } from './session-keys.js';
import { callStore } from './store-call.js';

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export interface LockOptions {
  /** How long the lock holds if its owner never releases it (crash). Default 10 s. */
  ttlMs?: number;
  /** How long to wait for it. Default 5 s. */
  waitMs?: number;
  pollMs?: number;
}

/**
 * The per-session lock for token refresh (docs/architecture.md#token-refresh, RT-3/RT-4): `SET NX PX`
 * with an owner token, released only by its owner. Callers re-read the tokens after taking it (another
 * instance may have refreshed).
 */
export class SessionLock {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SessionKeys,
    private readonly retryAfterSeconds: number,
  ) {}

  /** A release function once taken; undefined when another holder kept it for `waitMs`. */
  async acquire(sid: string, options: LockOptions = {}): Promise<(() => Promise<void>) | undefined> {
    const { ttlMs = 10_000, waitMs = 5_000, pollMs = 50 } = options;
    const key = this.keys.lock(sid);
    const owner = randomBytes(16).toString('base64url');
    const deadline = Date.now() + waitMs;
    for (;;) {
      if (await this.call(() => this.redis.set(key, owner, 'PX', ttlMs, 'NX'))) {
        return async () => {
          await this.call(() => this.redis.eval(RELEASE, 1, key, owner));
        };
      }
      if (Date.now() + pollMs > deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return callStore(this.retryAfterSeconds, fn);
  }
}
