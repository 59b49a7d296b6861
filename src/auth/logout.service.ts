import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { OidcConfig, ServerConfig } from '../config/config.schema.js';
import { OIDC_CONFIG, SERVER_CONFIG } from '../config/config.tokens.js';
import { checkLogoutCsrf } from '../csrf/check-csrf.js';
import { CsrfFailed } from '../csrf/csrf-errors.js';
import { AuditLog } from '../logging/audit-log.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';

/** How the logout was asked for: a form post (answer 303) or a script (answer 200 JSON). */
export type LogoutStyle = 'form' | 'script';

/**
 * `POST /auth/logout`: destroys the session (and its index entries), revokes the refresh token (best
 * effort, bounded by the OIDC timeout) and returns the tenant's end-session URL with client_id,
 * logout_hint and post_logout_redirect_uri (never an ID token in a URL). Idempotent: without a session
 * it still returns the URL.
 */
@Injectable()
export class LogoutService {
  constructor(
    private readonly sessions: SessionService,
    private readonly oidc: OidcClient,
    private readonly audit: AuditLog,
    @Inject(SERVER_CONFIG) private readonly server: ServerConfig,
    @Inject(OIDC_CONFIG) private readonly oidcConfig: OidcConfig,
  ) {}

  styleOf(req: Request): LogoutStyle {
    return req.headers['x-csrf'] === '1' ? 'script' : 'form';
  }

  async logout(req: Request): Promise<string> {
    const current = this.sessions.current(req);
    if (!current) return this.oidc.buildEndSessionUrl();
    this.checkCsrf(req, current.data.csrfToken);
    const { oidcSid, user } = current.data;
    const tokens = await this.sessions.destroyCurrent(req);
    if (tokens?.refreshToken) await this.revoke(tokens.refreshToken);
    this.audit.record('logout', { sub: user.sub, session: sessionHandle(current.id) });
    return this.oidc.buildEndSessionUrl(oidcSid);
  }

  /** With a session, a logout must come from our own pages: the CSRF rules' logout rule (src/csrf/). */
  private checkCsrf(req: Request, sessionCsrfToken: string): void {
    const verdict = checkLogoutCsrf({
      headers: req.headers,
      publicOrigin: this.server.publicOrigin,
      formToken: (req.body as Record<string, unknown> | undefined)?.csrf,
      sessionCsrfToken,
    });
    if (!verdict.ok) throw new CsrfFailed(verdict.detail);
  }

  private async revoke(refreshToken: string): Promise<void> {
    const bound = new Promise<boolean>((resolve) =>
      setTimeout(() => resolve(false), this.oidcConfig.timeoutMs).unref(),
    );
    await Promise.race([this.oidc.revokeRefreshToken(refreshToken), bound]);
  }
}
