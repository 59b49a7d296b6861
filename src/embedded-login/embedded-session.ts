import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { StepUpConfig } from '../config/config.schema.js';
import { STEP_UP_CONFIG } from '../config/config.tokens.js';
import { buildNewSession, buildTokenSet, mfaTimeOf } from '../auth/login-result.js';
import { AuditLog } from '../logging/audit-log.js';
import type { CodeExchangeResult } from '../oidc/oidc.client.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import type { JWK } from 'jose';

/**
 * Turns a validated embedded-login grant into a session exactly as `/auth/callback` does
 * (docs/architecture.md#the-http-surface): a NEW session id (any previous session of this browser dies), the
 * `sid`/`sub` indexes, tokens encrypted beside it, MFA facts from the ID token only (`amr` ∋ mfa or `acr` =
 * the MFA policy, with `auth_time`).
 */
@Injectable()
export class EmbeddedSession {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
  ) {}

  async establish(req: Request, result: CodeExchangeResult, method: string, dpopKey?: JWK): Promise<void> {
    const mfaAt = mfaTimeOf(result.claims, this.stepUp.acrValues);
    const session = await this.sessions.establish(
      req,
      buildNewSession(req, result.claims, mfaAt, result.scope),
      buildTokenSet(result, dpopKey),
    );
    this.audit.record('login', {
      sub: result.claims.sub,
      session: sessionHandle(session.id),
      method,
      mfa: mfaAt !== null,
      amr: result.claims.amr,
    });
  }
}
