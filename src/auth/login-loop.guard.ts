import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthConfig, SessionConfig } from '../config/config.schema.js';
import { AUTH_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { Metrics } from '../metrics/metrics.service.js';
import { RateLimitStore } from '../rate-limit/rate-limit.store.js';
import { REDIS_CLIENT, type RedisClient } from '../session/redis.factory.js';
import { SessionStoreError } from '../session/redis-session.store.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { DEFAULT_LOOP_GUARD, registerStepUpAttempt, type StepUpAttempts } from '../step-up/loop-guard.js';
import { hashBinding } from './browser-binding.js';
import { LoginLoopDetected, StepUpLoopDetected } from './login-loop.errors.js';

/**
 * Stops redirect loops between `/auth/login` and the tenant (Wonderwall's login-loop limiter; RFC 9470 §5,
 * SU-7 for step-up). Only a login start touches Redis here: other requests create no key.
 * - Any login: fixed-window count of starts per browser (its login-binding cookie), `auth.loginLoop`.
 * - Step-up logins: `registerStepUpAttempt` per session (or per browser without one); a satisfied
 *   step-up clears the record.
 * Redis down: 503 like every other store failure (fail closed, never an unguarded redirect).
 */
@Injectable()
export class LoginLoopGuard {
  private readonly counter: RateLimitStore;

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    @Inject(AUTH_CONFIG) private readonly auth: AuthConfig,
    private readonly sessions: SessionService,
    private readonly metrics: Metrics,
  ) {
    this.counter = new RateLimitStore(redis, sessionConfig.keyPrefix);
  }

  /** Counts one login start by the browser holding `binding`; LoginLoopDetected beyond the limit. */
  async countStart(binding: string, returnTo: string): Promise<void> {
    const { maxStarts, windowSeconds } = this.auth.loginLoop;
    const count = await this.store(() =>
      this.counter.hit('login-start', hashBinding(binding), windowSeconds),
    );
    if (count.count > maxStarts) {
      this.metrics.rateLimited('login-loop');
      throw new LoginLoopDetected(Math.max(1, Math.ceil(count.resetInMs / 1000)), returnTo);
    }
  }

  /** One step-up login start (SU-7); StepUpLoopDetected when the guard refuses another round. */
  async registerStepUp(req: Request, binding: string, returnTo: string): Promise<void> {
    const key = this.stepUpKey(req, binding);
    const now = Math.floor(Date.now() / 1000);
    const raw = await this.store(() => this.redis.get(key));
    const decision = registerStepUpAttempt(parseAttempts(raw), now, DEFAULT_LOOP_GUARD);
    if (!decision.allowed) {
      this.metrics.rateLimited('step-up-loop');
      const retryAfter = Math.max(1, decision.state.firstAt + DEFAULT_LOOP_GUARD.windowSeconds - now);
      throw new StepUpLoopDetected(retryAfter, returnTo);
    }
    const ttl = DEFAULT_LOOP_GUARD.windowSeconds;
    await this.store(() => this.redis.set(key, JSON.stringify(decision.state), 'EX', ttl));
  }

  /** A step-up that met its requirement: the record of the session (or browser) that asked goes. */
  async clearStepUp(req: Request, binding: string | undefined): Promise<void> {
    if (!binding && !this.sessions.current(req)) return;
    await this.store(() => this.redis.del(this.stepUpKey(req, binding ?? '')));
  }

  /** Per session when there is one (the guard follows the session, not the tab), else per browser. */
  private stepUpKey(req: Request, binding: string): string {
    const current = this.sessions.current(req);
    const subject = current ? `session:${sessionHandle(current.id)}` : `browser:${hashBinding(binding)}`;
    return `${this.sessionConfig.keyPrefix}{stepup:${hashBinding(subject)}}`;
  }

  private async store<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new SessionStoreError(err, this.sessionConfig.retryAfterSeconds);
    }
  }
}

function parseAttempts(raw: string | null): StepUpAttempts | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StepUpAttempts>;
    return typeof value.count === 'number' && typeof value.firstAt === 'number'
      ? { count: value.count, firstAt: value.firstAt }
      : undefined;
  } catch {
    return undefined;
  }
}
