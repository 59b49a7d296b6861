import { Inject, Injectable } from '@nestjs/common';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { BffError, IdpUnavailable, NotAuthenticated } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { Metrics } from '../metrics/metrics.service.js';
import { importDpopKey } from '../oidc/dpop-keys.js';
import { OidcClient, type RefreshAnswer } from '../oidc/oidc.client.js';
import { mapTokenResponse, nowInSeconds } from '../oidc/token-response.js';
import { isFresh } from './refresh-margin.js';
import { sessionHandle } from './session-keys.js';
import { SessionLock } from './session-lock.js';
import { SessionService } from './session.service.js';
import type { SessionUser, TokenSet, VersionedTokens } from './session.types.js';

/**
 * The tenant answered `mfa_required` to a refresh (Auth0): the caller answers with a step-up challenge
 * (docs/architecture.md#the-my-account-proxy). The session and its tokens are kept.
 */
export class RefreshRequiresMfa extends BffError {
  constructor() {
    super({
      status: 401,
      code: 'insufficient_user_authentication',
      title: 'Multi-factor authentication required',
      detail: 'Sign in again with a second factor.',
    });
  }
}

/**
 * A session's access token, fresh (docs/architecture.md#token-refresh, RT-3..RT-6): once per session
 * at a time, in-process (single flight) and across instances (the session's Redis lock, then the tokens
 * re-read); the new tokens are written with compare-and-set. `invalid_grant` or a refreshed ID token for
 * someone else ends the session (401 login_required); an unreachable tenant keeps it (503). A refresh never
 * changes MFA facts.
 *
 * A refresh the tenant answers after `oidc.timeoutMs` (RT-9): the caller gets 503 and the session keeps
 * its old tokens; the answer, when it comes, is written with compare-and-set against the version the
 * refresh started from (unless another refresh won meanwhile). Until then, a new refresh presents the old
 * refresh token again, which the tenant accepts within its rotation overlap ("reuse interval"), which must
 * be longer than `oidc.timeoutMs` (README, config/tenant.yaml). Either way no refresh token is lost and
 * reuse detection does not fire.
 */
@Injectable()
export class AccessTokens {
  private readonly inflight = new Map<string, Promise<TokenSet>>();

  constructor(
    private readonly sessions: SessionService,
    private readonly lock: SessionLock,
    private readonly oidc: OidcClient,
    private readonly audit: AuditLog,
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    private readonly metrics: Metrics,
  ) {}

  /** The tokens of session `sid` (owned by `user`), refreshed first when the access token is about to expire. */
  async forSession(sid: string, user: SessionUser): Promise<TokenSet> {
    const current = await this.sessions.readTokens(sid);
    if (!current) throw new NotAuthenticated();
    if (isFresh(current.tokens, nowInSeconds())) return current.tokens;
    return this.singleFlight(sid, user, (tokens) => !isFresh(tokens, nowInSeconds()));
  }

  /**
   * A refresh although the access token has not expired by the clock: the resource server refused
   * `rejectedAccessToken` (401 `invalid_token`, RFC 6750 §3.1: revoked, or expiry earlier than announced).
   * Refreshes only while the session still holds that token: if another request or instance has replaced
   * it, the replacement is returned without a call to the tenant. Same lock, single flight and outcomes as
   * `forSession`.
   */
  async forceRefresh(sid: string, user: SessionUser, rejectedAccessToken: string): Promise<TokenSet> {
    const current = await this.sessions.readTokens(sid);
    if (!current) throw new NotAuthenticated();
    if (current.tokens.accessToken !== rejectedAccessToken) return current.tokens;
    return this.singleFlight(sid, user, (tokens) => tokens.accessToken === rejectedAccessToken);
  }

  /** One refresh per session in this process at a time (RT-3); callers join the one under way. */
  private singleFlight(sid: string, user: SessionUser, stillNeeded: (tokens: TokenSet) => boolean) {
    const running = this.inflight.get(sid);
    if (running) return running;
    const refresh = this.refreshUnderLock(sid, user, stillNeeded).finally(() => this.inflight.delete(sid));
    this.inflight.set(sid, refresh);
    return refresh;
  }

  private async refreshUnderLock(
    sid: string,
    user: SessionUser,
    stillNeeded: (tokens: TokenSet) => boolean,
  ): Promise<TokenSet> {
    const waitMs = this.config.timeoutMs * 2;
    const release = await this.lock.acquire(sid, { ttlMs: waitMs, waitMs });
    try {
      // Another request or instance may have refreshed while we waited.
      const latest = await this.sessions.readTokens(sid);
      if (!latest) throw new NotAuthenticated();
      if (!stillNeeded(latest.tokens)) return latest.tokens;
      if (!release)
        throw new IdpUnavailable('Another refresh of this session did not finish. Try again shortly.');
      const refreshed = await this.refresh(sid, user, latest);
      const version = await this.sessions.writeTokens(sid, refreshed, latest.version);
      if (version !== undefined) return refreshed;
      const winner = await this.sessions.readTokens(sid);
      if (!winner) throw new NotAuthenticated();
      return winner.tokens;
    } finally {
      await release?.().catch(() => undefined);
    }
  }

  private async refresh(sid: string, user: SessionUser, latest: VersionedTokens): Promise<TokenSet> {
    const tokens = latest.tokens;
    if (!tokens.refreshToken) return this.end(sid, user, 'no refresh token');
    let response: RefreshAnswer;
    try {
      response = await this.oidc.refresh(
        tokens.refreshToken,
        tokens.dpopKey ? await importDpopKey(tokens.dpopKey) : undefined,
        (late) => void this.recordLateAnswer(sid, user, latest, late),
      );
    } catch (err) {
      if (OidcClient.isOAuthError(err, 'mfa_required')) {
        this.metrics.tokenRefresh('mfa_required');
        throw new RefreshRequiresMfa();
      }
      // RT-5: a refresh token the tenant no longer honours ends the session; so does a refreshed ID
      // token that fails validation (D7). Anything else (network, 5xx, timeout) keeps it: 503.
      if (OidcClient.isOAuthError(err, 'invalid_grant')) return this.end(sid, user, 'invalid_grant');
      if (OidcClient.isInvalidResponse(err)) return this.end(sid, user, 'refresh response failed validation');
      this.metrics.tokenRefresh('unavailable');
      throw new IdpUnavailable(undefined, false, err);
    }
    // OIDC Core §12.2 (BCP-14): a refreshed ID token must be about the same user.
    if (!isAbout(response, user)) return this.end(sid, user, 'refreshed ID token for another subject');
    this.metrics.tokenRefresh('refreshed');
    return this.merge(tokens, response);
  }

  /** The refreshed token record: the mapped answer, what it left out kept from before, the same DPoP key. */
  private merge(tokens: TokenSet, response: RefreshAnswer): TokenSet {
    return { ...tokens, ...mapTokenResponse(response, this.oidc.tokenMapping(), tokens) };
  }

  /**
   * The answer to a refresh the caller stopped waiting for (RT-9): written if the record is still the one
   * the refresh started from. Never ends the session from here: a bad answer is dropped, and the next
   * refresh (old token, within the tenant's overlap) decides.
   */
  private async recordLateAnswer(
    sid: string,
    user: SessionUser,
    from: VersionedTokens,
    response: RefreshAnswer,
  ): Promise<void> {
    let version: number | undefined;
    if (isAbout(response, user)) {
      version = await this.sessions
        .writeTokens(sid, this.merge(from.tokens, response), from.version)
        .catch(() => undefined);
    }
    this.metrics.tokenRefresh(version !== undefined ? 'late_recorded' : 'late_dropped');
    this.audit.record('token_refresh_late', {
      sub: user.sub,
      session: sessionHandle(sid),
      recorded: version !== undefined,
    });
  }

  private async end(sid: string, user: SessionUser, reason: string): Promise<never> {
    await this.sessions.destroyById(sid);
    this.metrics.tokenRefresh('session_ended');
    this.metrics.sessionEnded('refresh_failed');
    this.audit.record('session_revoked', { sub: user.sub, session: sessionHandle(sid), reason });
    throw new NotAuthenticated('The session ended. Sign in again.');
  }
}

/** No ID token in a refresh answer, or one about the session's user (same `sub` and `iss`). */
function isAbout(response: RefreshAnswer, user: SessionUser): boolean {
  const claims = response.claims();
  return !claims || (claims.sub === user.sub && claims.iss === user.iss);
}
