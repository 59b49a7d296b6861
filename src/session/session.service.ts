import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from 'express-session';
import { randomBytes } from 'node:crypto';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { NotAuthenticated, SessionStoreUnavailable } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { Metrics } from '../metrics/metrics.service.js';
import { ignoreActivity, RedisSessionStore } from './redis-session.store.js';
import { sessionHandle } from './session-keys.js';
import { STORE_FAILURE } from './session.middleware.js';
import type { SessionUser, TokenSet, VersionedTokens } from './session.types.js';
import { TokenDecryptionFailed } from './token-cipher.js';
import { TokenStore } from './token.store.js';
import { callStore } from './store-call.js';

/** The signed-in session of a request: its id (a credential, never logged) and its data. */
export interface CurrentSession {
  id: string;
  data: SessionData;
}

/** What a completed login puts in a new session. */
export interface NewSession {
  user: SessionUser;
  oidcSid?: string;
  authTime?: number;
  /** `auth_time` when this login's ID token showed MFA, else null. */
  mfaAt: number | null;
  scopes: string[];
  userAgent: string | null;
}

/**
 * Everything the rest of the BFF does with sessions and their tokens. Redis failures surface as
 * `SessionStoreUnavailable` (503), a token record that does not decrypt as `NotAuthenticated` (401).
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly store: RedisSessionStore,
    private readonly tokenStore: TokenStore,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
  ) {}

  /** The signed-in session, or undefined. Throws 503 when the store failed for this request. */
  current(req: Request): CurrentSession | undefined {
    if (req[STORE_FAILURE] !== undefined)
      throw new SessionStoreUnavailable(this.config.retryAfterSeconds, req[STORE_FAILURE]);
    const data = req.session as SessionData | undefined;
    return data?.user?.sub ? { id: req.sessionID, data } : undefined;
  }

  /** The signed-in session, or 401 `login_required`. */
  require(req: Request): CurrentSession {
    const current = this.current(req);
    if (!current) throw new NotAuthenticated();
    return current;
  }

  /** This request does not extend the idle timeout (GET /api/session). */
  ignoreActivity(req: Request): void {
    if (req.session) ignoreActivity(req.session);
  }

  /**
   * A new session for a completed login: a NEW id (a cookie planted before is dead after), tokens
   * encrypted beside it. MFA facts carry over only from a session of the same user.
   *
   * Nothing is lost when the store fails half-way (SES-16): the previous session is removed only once
   * the new one and its tokens are written; on a failure the request forgets the new session (no write
   * at the end of the response, no cookie) and the previous one is left as it was.
   */
  async establish(req: Request, init: NewSession, tokens: TokenSet): Promise<CurrentSession> {
    const previous = this.current(req);
    const carriedMfa =
      previous?.data.user.sub === init.user.sub && previous.data.user.iss === init.user.iss
        ? (previous.data.mfa?.lastMfaAt ?? null)
        : null;
    // The store's regenerate only gives a new id; the previous record is removed below.
    if (previous) await this.callback((cb) => req.session.regenerate(cb));
    const now = Date.now();
    const data: Partial<SessionData> = {
      user: init.user,
      oidcSid: init.oidcSid,
      authTime: init.authTime,
      mfa: { lastMfaAt: maxOrNull(carriedMfa, init.mfaAt) },
      csrfToken: randomBytes(24).toString('base64url'),
      createdAt: now,
      lastSeenAt: now,
      userAgent: init.userAgent,
      scopes: init.scopes,
    };
    Object.assign(req.session, data);
    const sid = req.sessionID;
    try {
      if ((await this.tokenStore.write(sid, tokens, 0)) === undefined)
        throw new SessionStoreUnavailable(this.config.retryAfterSeconds);
      await this.callback((cb) => req.session.save(cb));
    } catch (err) {
      // express-session would save the half-made session (and set its cookie) when the response ends.
      delete (req as { session?: unknown }).session;
      throw err;
    }
    this.metrics.sessionCreated();
    if (previous) {
      await this.removeReplaced(previous.id);
      this.metrics.sessionEnded('replaced');
    }
    return { id: sid, data: req.session as SessionData };
  }

  /**
   * The session a login replaced. Its cookie is already replaced in this browser, so a store failure
   * here does not fail the login: the record then ends at its idle timeout.
   */
  private async removeReplaced(sid: string): Promise<void> {
    try {
      await this.store.remove(sid);
    } catch (err) {
      this.audit.record('session_replace_cleanup_failed', {
        session: sessionHandle(sid),
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** The session's tokens and their version (for compare-and-set), or undefined when it has none. */
  async readTokens(sid: string): Promise<VersionedTokens | undefined> {
    try {
      return await this.tokenStore.read(sid);
    } catch (err) {
      if (err instanceof TokenDecryptionFailed) {
        this.audit.record('session_tokens_undecryptable', {
          session: sessionHandle(sid),
          reason: err.message,
        });
        throw new NotAuthenticated('The session could not be read. Sign in again.');
      }
      throw new SessionStoreUnavailable(this.config.retryAfterSeconds, err);
    }
  }

  /** Compare-and-set: the new version, or undefined when another write came first (re-read and retry). */
  async writeTokens(sid: string, tokens: TokenSet, expectedVersion: number): Promise<number | undefined> {
    return this.guard(() => this.tokenStore.write(sid, tokens, expectedVersion));
  }

  /** Destroys the request's session (logout). Returns its tokens when they were readable (revocation). */
  async destroyCurrent(req: Request): Promise<TokenSet | undefined> {
    const current = this.current(req);
    if (!current) return undefined;
    const tokens = await this.readTokens(current.id).catch(() => undefined);
    await this.callback((cb) => req.session.destroy(cb));
    this.metrics.sessionEnded('logout');
    return tokens?.tokens;
  }

  /** Destroys a session by id (back-channel logout, revoking another session). Returns its tokens. */
  async destroyById(sid: string): Promise<TokenSet | undefined> {
    const tokens = await this.readTokens(sid).catch(() => undefined);
    await this.guard(() => this.store.remove(sid));
    return tokens?.tokens;
  }

  /** A stored session by id (undefined when gone or expired); does not count as activity. */
  async peek(sid: string): Promise<SessionData | undefined> {
    return (await this.guard(() => this.store.read(sid))) ?? undefined;
  }

  async idsBySub(sub: string): Promise<string[]> {
    return this.guard(() => this.store.idsBySub(sub));
  }

  async idsByOidcSid(oidcSid: string): Promise<string[]> {
    return this.guard(() => this.store.idsByOidcSid(oidcSid));
  }

  private guard<T>(fn: () => Promise<T>): Promise<T> {
    return callStore(this.config.retryAfterSeconds, fn);
  }

  private callback(fn: (cb: (err?: Error | null) => void) => void): Promise<void> {
    return this.guard(
      () => new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve()))),
    );
  }
}

function maxOrNull(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}
