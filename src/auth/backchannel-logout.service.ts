import { Inject, Injectable } from '@nestjs/common';
import type { OidcConfig } from '../config/config.schema.js';
import { OIDC_CONFIG } from '../config/config.tokens.js';
import { BffError, InvalidRequest } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { Metrics } from '../metrics/metrics.service.js';
import { InvalidLogoutToken, LogoutTokenVerifier } from '../oidc/logout-token.verifier.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';

/**
 * `POST /auth/backchannel-logout` (OIDC Back-Channel Logout 1.0 §2.5-2.8): a valid logout token destroys
 * the sessions with its `sid`, or, with only `sub`, all of that user's sessions; refresh tokens are
 * revoked best effort. A bad token: 400, nothing touched. Store down: 503, never 200.
 */
@Injectable()
export class BackchannelLogoutService {
  constructor(
    private readonly verifier: LogoutTokenVerifier,
    private readonly sessions: SessionService,
    private readonly oidc: OidcClient,
    private readonly audit: AuditLog,
    @Inject(OIDC_CONFIG) private readonly config: OidcConfig,
    private readonly metrics: Metrics,
  ) {}

  async logout(body: unknown): Promise<void> {
    const token = (body as Record<string, unknown> | undefined)?.logout_token;
    if (typeof token !== 'string' || token.length === 0 || token.length > 16_384)
      throw this.refuse('logout_token missing or oversized');
    let target;
    try {
      target = await this.verifier.verify(token);
    } catch (err) {
      if (err instanceof BffError) throw err;
      throw this.refuse(err instanceof InvalidLogoutToken ? err.reason : 'unverifiable');
    }
    const ids = target.sid
      ? await this.sessions.idsByOidcSid(target.sid)
      : await this.sessions.idsBySub(target.sub as string);
    const destroyed = await Promise.all(ids.map((id) => this.destroy(id, target.sub)));
    this.audit.record('backchannel_logout', {
      sub: target.sub,
      oidc_sid: target.sid,
      sessions: destroyed.filter(Boolean).length,
    });
  }

  private async destroy(id: string, sub: string | undefined): Promise<boolean> {
    const data = await this.sessions.peek(id);
    // A token naming both sid and sub only ends the sessions where both match.
    if (data && sub && data.user?.sub !== sub) return false;
    const tokens = await this.sessions.destroyById(id);
    this.metrics.sessionEnded('backchannel_logout');
    this.audit.record('session_revoked', {
      sub: data?.user?.sub,
      session: sessionHandle(id),
      reason: 'backchannel_logout',
    });
    if (tokens?.refreshToken) void this.revokeBounded(tokens.refreshToken);
    return true;
  }

  /** 400 for the caller (`error: invalid_request`, BCL §2.8); the reason goes to the audit log only. */
  private refuse(reason: string): BffError {
    this.audit.record('backchannel_logout_rejected', { reason });
    return new InvalidRequest('The logout token is invalid.', { error: 'invalid_request' });
  }

  private async revokeBounded(refreshToken: string): Promise<void> {
    const bound = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), this.config.timeoutMs).unref(),
    );
    await Promise.race([this.oidc.revokeRefreshToken(refreshToken), bound]);
  }
}
