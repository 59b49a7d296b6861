import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Redis } from 'ioredis';
import { AuthApiError } from './auth-api.js';
import { hitFixedWindow } from './fixed-window.js';

/**
 * Auth0's limits on the Authentication API endpoints that create users or send messages
 * (docs/tenant.md#rate-limits-of-the-authentication-api): a fixed window per key (an IP address, or an
 * IP address and an email), counted in Redis. Auth0 refills its buckets gradually; a window of the
 * bucket's size is the simple equivalent. Beyond the limit: 429 `too_many_requests` with
 * `X-RateLimit-*` and `Retry-After`.
 */
export interface RateBudget {
  /** Names the counter (`signup`, `change-password`, `passwordless-start`). */
  readonly bucket: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Auth0's published limits for these endpoints, as the tenant applies them (docs/tenant.md). */
export const AUTH_API_BUDGETS = {
  /** `/dbconnections/signup` and `/passkey/register`: 50 a minute per IP. */
  signup: { bucket: 'signup', limit: 50, windowSeconds: 60 },
  /** `/dbconnections/change_password`: per IP and email, bursts of 10 then one a minute. */
  changePassword: { bucket: 'change-password', limit: 10, windowSeconds: 600 },
  /** `/passwordless/start` without client authentication: 50 an hour per IP. */
  passwordlessStart: { bucket: 'passwordless-start', limit: 50, windowSeconds: 3600 },
} as const satisfies Record<string, RateBudget>;

export class RequestRate {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Counts one request for `key`; throws the 429 answer once the window's budget is spent. */
  async consume(budget: RateBudget, key: string): Promise<void> {
    const digest = createHash('sha256').update(key).digest('base64url');
    const hit = await hitFixedWindow(
      this.redis,
      (window) => `${this.prefix}rate:${budget.bucket}:${window}:${digest}`,
      budget.limit,
      budget.windowSeconds,
    );
    if (!hit.over) return;
    throw new AuthApiError(429, 'too_many_requests', 'Too many requests. Check the X-RateLimit-* headers.', {
      ...hit.headers,
      'retry-after': String(hit.retryAfter),
    });
  }
}

/** The caller's address: the first `X-Forwarded-For` hop behind a trusted proxy, else the socket's. */
export function clientIp(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? req.headers['x-forwarded-for'] : undefined;
  const first = typeof forwarded === 'string' ? forwarded.split(',')[0].trim() : '';
  return first || req.socket.remoteAddress || 'unknown';
}
