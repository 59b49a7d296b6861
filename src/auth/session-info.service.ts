import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionConfig, StepUpConfig } from '../config/config.schema.js';
import { SESSION_CONFIG, STEP_UP_CONFIG } from '../config/config.tokens.js';
import type { SessionInfo } from '../public-api.types.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { NotAuthenticated } from '../http/bff-error.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * `GET /api/session` (docs/architecture.md#the-http-surface): who is signed in, until when, MFA freshness.
 * Never a token.
 */
@Injectable()
export class SessionInfoService {
  constructor(
    private readonly sessions: SessionService,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
  ) {}

  async describe(req: Request): Promise<SessionInfo> {
    const { id, data } = this.sessions.require(req);
    // A session whose token record is gone or does not decrypt is no session (RED-9); with the
    // record read together with the session, this costs no extra round trip.
    if (!(await this.sessions.readTokens(id))) throw new NotAuthenticated();
    // Reading who is signed in is not activity: it must not keep an idle session alive.
    this.sessions.ignoreActivity(req);
    const expiresAt = data.createdAt + this.config.absoluteTimeoutSeconds * 1000;
    const idleExpiresAt = Math.min(expiresAt, data.lastSeenAt + this.config.idleTimeoutSeconds * 1000);
    const lastMfa = data.mfa?.lastMfaAt ?? null;
    const { sub, name, email, picture } = data.user;
    return {
      user: { sub, name, email, picture },
      session: {
        id_hint: sessionHandle(id),
        created_at: iso(data.createdAt),
        expires_at: iso(expiresAt),
        idle_expires_at: iso(idleExpiresAt),
      },
      mfa: {
        last_mfa_at: lastMfa === null ? null : iso(lastMfa * 1000),
        fresh_until: lastMfa === null ? null : iso((lastMfa + this.stepUp.maxAgeSeconds) * 1000),
      },
      scopes: [...(data.scopes ?? [])],
      csrf_token: data.csrfToken,
    };
  }
}
