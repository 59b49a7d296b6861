import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { Metrics } from '../metrics/metrics.service.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import type { RateLimitPolicies, RateLimitPolicyName } from './rate-limit-policy.js';
import { RateLimited, RateLimitStoreUnavailable } from './rate-limit-errors.js';
import { RateLimitStore } from './rate-limit.store.js';

export const RATE_LIMIT_POLICIES = 'RATE_LIMIT_POLICIES';

/**
 * Applies a named policy to a request: counts it, and refuses it with 429 `rate_limited` (Retry-After)
 * once the window's budget is spent. Redis down: 503, never an unlimited pass (fail closed).
 * The guard uses it for decorated routes; the My Account proxy calls `enforce` per operation.
 */
@Injectable()
export class RateLimiter {
  constructor(
    private readonly store: RateLimitStore,
    @Inject(RATE_LIMIT_POLICIES) private readonly policies: RateLimitPolicies,
    private readonly sessions: SessionService,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    private readonly metrics: Metrics,
  ) {}

  /**
   * Counts `req` under the policy. `subject` overrides what is counted (e.g. `sub:<user>` for a bearer
   * caller, which has no session and may share its IP with every user of a server-rendered app).
   */
  async enforce(name: RateLimitPolicyName, req: Request, subject?: string): Promise<void> {
    const policy = this.policies[name];
    if (!policy) throw new Error(`Unknown rate-limit policy: ${name}`);
    let count;
    try {
      count = await this.store.hit(name, subject ?? this.subject(policy.key, req), policy.windowSeconds);
    } catch (err) {
      throw new RateLimitStoreUnavailable(this.sessionConfig.retryAfterSeconds, err);
    }
    if (count.count > policy.limit) {
      this.metrics.rateLimited(name);
      throw new RateLimited(Math.max(1, Math.ceil(count.resetInMs / 1000)));
    }
  }

  /** `ip:<address>` or `session:<handle>`; a request without a session is counted by its IP. */
  private subject(key: 'ip' | 'session', req: Request): string {
    if (key === 'session') {
      const current = this.sessions.current(req);
      if (current) return `session:${sessionHandle(current.id)}`;
    }
    return `ip:${req.ip ?? req.socket.remoteAddress ?? 'unknown'}`;
  }
}
