import { BffError } from '../http/bff-error.js';

/** 429 `rate_limited` with `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3). */
export class RateLimited extends BffError {
  constructor(readonly retryAfterSeconds: number) {
    super({
      status: 429,
      code: 'rate_limited',
      title: 'Too many requests',
      detail: `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
      headers: { 'Retry-After': String(retryAfterSeconds) },
    });
  }
}

/**
 * 503: the counters could not be read. Fail closed: an attacker who can slow Redis down must not get
 * an unlimited budget. Same code as the session store's outage: it is the same Redis.
 */
export class RateLimitStoreUnavailable extends BffError {
  constructor(retryAfterSeconds: number, cause?: unknown) {
    super({
      status: 503,
      code: 'session_store_unavailable',
      title: 'Store unavailable',
      detail: 'The store did not answer. Try again shortly.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause,
    });
  }
}
