import type { Redis } from 'ioredis';

/** One counted request in a fixed window, and the `X-RateLimit-*` headers that describe it. */
export interface WindowHit {
  /** Requests in this window, this one included. */
  readonly count: number;
  /** True once `count` is past the limit. */
  readonly over: boolean;
  /** `x-ratelimit-limit`, `-remaining`, `-reset` (reset in UNIX seconds). */
  readonly headers: Record<string, string>;
  /** Seconds until the window ends (at least 1): the `Retry-After` of a refusal. */
  readonly retryAfter: number;
}

/**
 * The tenant's rate limits (the My Account API's per-user buckets, the Authentication API's per-IP
 * budgets): a fixed window of `windowSeconds` aligned on the clock, one Redis counter per window under
 * `keyOf(window)`, kept one second past its window.
 */
export async function hitFixedWindow(
  redis: Redis,
  keyOf: (window: number) => string,
  limit: number,
  windowSeconds: number,
): Promise<WindowHit> {
  const now = Math.floor(Date.now() / 1000);
  const window = Math.floor(now / windowSeconds);
  const reset = (window + 1) * windowSeconds;
  const key = keyOf(window);
  const [[, count]] = (await redis
    .multi()
    .incr(key)
    .expire(key, windowSeconds + 1)
    .exec()) as [[Error | null, number]];
  return {
    count,
    over: count > limit,
    headers: {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - count)),
      'x-ratelimit-reset': String(reset),
    },
    retryAfter: Math.max(1, reset - now),
  };
}
