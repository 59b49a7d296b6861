import type { Redis } from 'ioredis';
import { hitFixedWindow } from '../../http/fixed-window.js';
import { ApiError } from './api-error.js';

export interface RateLimitOptions {
  /** Requests per user and bucket in one window. */
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Generous enough for test suites; Auth0's own per-user limits are 5-20 per minute. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = { limit: 1000, windowSeconds: 60 };

export interface RateLimitState {
  readonly headers: Record<string, string>;
}

/**
 * Per-user fixed-window counters in Redis, one bucket for reads and one for writes, as Auth0 publishes
 * its My Account limits ("Read/Write Authentication Methods ... to a unique User ID"). Every answer
 * carries `x-ratelimit-limit/remaining/reset` (reset = UNIX seconds); over the limit: 429 + `retry-after`.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: RateLimitOptions = DEFAULT_RATE_LIMIT,
  ) {}

  async consume(userId: string, method: string): Promise<RateLimitState> {
    const bucket = method === 'GET' ? 'read' : 'write';
    const { limit, windowSeconds } = this.options;
    const hit = await hitFixedWindow(
      this.redis,
      (window) => `${this.prefix}my-account:rate:${bucket}:${window}:${userId}`,
      limit,
      windowSeconds,
    );
    if (hit.over) {
      throw new ApiError(
        429,
        'too_many_requests',
        'Too many requests for this user; retry later',
        undefined,
        {
          ...hit.headers,
          'retry-after': String(hit.retryAfter),
        },
      );
    }
    return { headers: hit.headers };
  }
}
