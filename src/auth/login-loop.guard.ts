import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { AuthConfig, SessionConfig } from '../config/config.schema.js';
import { AUTH_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { readCookieHeader } from '../http/cookie-header.js';
import { Metrics } from '../metrics/metrics.service.js';
import { RedisAdapter } from '../session/redis.adapter.js';
import { SessionService } from '../session/session.service.js';
import { TokenCipher } from '../session/token-cipher.js';
import { DEFAULT_LOOP_GUARD, registerStepUpAttempt, type StepUpAttempts } from '../step-up/loop-guard.js';
import { LoginLoopDetected, StepUpLoopDetected } from './login-loop.errors.js';

/** What the browser's loop cookie holds: its login starts in the current window, its step-up attempts. */
interface LoopRecord {
  /** Login starts: count and window start (epoch seconds). */
  starts?: { count: number; since: number };
  /** Step-up attempts of a browser without a session (with one, they are kept per session in Redis). */
  stepUp?: StepUpAttempts;
}

/**
 * Stops redirect loops between `/auth/login` and the tenant (Wonderwall's login-loop limiter; RFC 9470 §5,
 * SU-7 for step-up).
 * - Any login: fixed-window count of starts per browser, `auth.loginLoop`, kept IN THE BROWSER: an
 *   encrypted, integrity-protected `__Host-` cookie (`<transactionCookieName>-loop`). A looping browser
 *   sends it back each round; a client that drops it loses only its own loop protection. No Redis key, so
 *   anonymous starts cannot fill the store (RED-12).
 * - Step-up logins: `registerStepUpAttempt` per session in Redis (one key per session, bounded by the
 *   sessions), or in the same cookie for a browser without a session; a satisfied step-up clears it.
 * Redis down during a session's step-up: 503 like every other store failure (fail closed).
 */
@Injectable()
export class LoginLoopGuard {
  constructor(
    private readonly store: RedisAdapter,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    @Inject(AUTH_CONFIG) private readonly auth: AuthConfig,
    private readonly sessions: SessionService,
    private readonly cipher: TokenCipher,
    private readonly metrics: Metrics,
  ) {}

  /**
   * One login start by this browser (a step-up one when `stepUp`): LoginLoopDetected or
   * StepUpLoopDetected when it is one too many, else the counts are updated.
   */
  async countStart(req: Request, res: Response, returnTo: string, stepUp: boolean): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const record = this.read(req);
    const { maxStarts, windowSeconds } = this.auth.loginLoop;
    const current = record.starts;
    const starts =
      current && now >= current.since && now < current.since + windowSeconds
        ? { count: current.count + 1, since: current.since }
        : { count: 1, since: now };
    if (starts.count > maxStarts) {
      this.metrics.rateLimited('login-loop');
      throw new LoginLoopDetected(Math.max(1, starts.since + windowSeconds - now), returnTo);
    }
    const next: LoopRecord = { ...record, starts };
    if (stepUp) {
      const session = this.sessions.current(req);
      if (session) await this.registerSessionStepUp(session.id, now, returnTo);
      else next.stepUp = this.allowStepUp(record.stepUp, now, returnTo);
    }
    this.write(res, next);
  }

  /** A step-up that met its requirement: the record of the session (or browser) that asked goes. */
  async clearStepUp(req: Request, res: Response): Promise<void> {
    const session = this.sessions.current(req);
    if (session) {
      await this.store.delete(this.store.keys.stepUpAttempts(session.id));
      return;
    }
    const record = this.read(req);
    if (record.stepUp) this.write(res, { ...record, stepUp: undefined });
  }

  private async registerSessionStepUp(sid: string, now: number, returnTo: string): Promise<void> {
    const key = this.store.keys.stepUpAttempts(sid);
    const state = this.allowStepUp(parseAttempts(await this.store.get(key)), now, returnTo);
    await this.store.set(key, JSON.stringify(state), DEFAULT_LOOP_GUARD.windowSeconds);
  }

  /** The next step-up record, or StepUpLoopDetected (SU-7). */
  private allowStepUp(previous: StepUpAttempts | undefined, now: number, returnTo: string): StepUpAttempts {
    const decision = registerStepUpAttempt(previous, now, DEFAULT_LOOP_GUARD);
    if (!decision.allowed) {
      this.metrics.rateLimited('step-up-loop');
      const retryAfter = Math.max(1, decision.state.firstAt + DEFAULT_LOOP_GUARD.windowSeconds - now);
      throw new StepUpLoopDetected(retryAfter, returnTo);
    }
    return decision.state;
  }

  private get cookieName(): string {
    return `${this.sessionConfig.transactionCookieName}-loop`;
  }

  /** The browser's record; empty when absent, expired, tampered or written under a retired key. */
  private read(req: Request): LoopRecord {
    const sealed = readCookieHeader(req.headers.cookie, this.cookieName);
    if (!sealed) return {};
    try {
      const value = JSON.parse(this.cipher.decrypt(sealed, AAD)) as LoopRecord;
      return {
        starts: isCount(value.starts) ? value.starts : undefined,
        stepUp: parseAttempts(JSON.stringify(value.stepUp ?? null)),
      };
    } catch {
      return {};
    }
  }

  private write(res: Response, record: LoopRecord): void {
    const maxAge = Math.max(this.auth.loginLoop.windowSeconds, DEFAULT_LOOP_GUARD.windowSeconds) * 1000;
    res.cookie(this.cookieName, this.cipher.encrypt(JSON.stringify(record), AAD), {
      httpOnly: true,
      secure: true,
      sameSite: 'lax',
      path: '/',
      maxAge,
    });
  }
}

const AAD = 'login-loop';

function isCount(value: unknown): value is { count: number; since: number } {
  const v = value as { count?: unknown; since?: unknown } | undefined;
  return typeof v?.count === 'number' && typeof v.since === 'number';
}

function parseAttempts(raw: string | undefined): StepUpAttempts | undefined {
  if (!raw) return undefined;
  try {
    const value = JSON.parse(raw) as Partial<StepUpAttempts> | null;
    return typeof value?.count === 'number' && typeof value.firstAt === 'number'
      ? { count: value.count, firstAt: value.firstAt }
      : undefined;
  } catch {
    return undefined;
  }
}
