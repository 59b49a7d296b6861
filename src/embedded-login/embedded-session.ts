import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { IDToken } from 'openid-client';
import type { StepUpConfig } from '../config/config.schema.js';
import { STEP_UP_CONFIG } from '../config/config.tokens.js';
import { AuditLog } from '../logging/audit-log.js';
import type { CodeExchangeResult } from '../oidc/oidc.client.js';
import { sessionHandle } from '../session/session-keys.js';
import { type NewSession, SessionService } from '../session/session.service.js';
import type { TokenSet } from '../session/session.types.js';
import type { JWK } from 'jose';

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/**
 * Turns a validated embedded-login grant into a session exactly as `/auth/callback` does (DESIGN §5):
 * a NEW session id (any previous session of this browser dies), the `sid`/`sub` indexes, tokens encrypted
 * beside it, MFA facts from the ID token only (`amr` ∋ mfa or `acr` = the MFA policy, with `auth_time`).
 */
@Injectable()
export class EmbeddedSession {
  constructor(
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
  ) {}

  async establish(req: Request, result: CodeExchangeResult, method: string, dpopKey?: JWK): Promise<void> {
    const mfaAt = this.mfaTime(result.claims);
    const session = await this.sessions.establish(req, this.newSession(req, result, mfaAt), {
      ...this.tokenSet(result),
      ...(dpopKey ? { dpopKey } : {}),
    });
    this.audit.record('login', {
      sub: result.claims.sub,
      session: sessionHandle(session.id),
      method,
      mfa: mfaAt !== null,
      amr: result.claims.amr,
    });
  }

  private mfaTime(claims: IDToken): number | null {
    const amr = Array.isArray(claims.amr) ? claims.amr : [];
    const didMfa = amr.includes('mfa') || claims.acr === this.stepUp.acrValues;
    return didMfa && typeof claims.auth_time === 'number' ? claims.auth_time : null;
  }

  private newSession(req: Request, result: CodeExchangeResult, mfaAt: number | null): NewSession {
    const { claims } = result;
    return {
      user: {
        sub: claims.sub,
        iss: claims.iss,
        name: text(claims.name),
        email: text(claims.email),
        picture: text(claims.picture),
      },
      oidcSid: text(claims.sid),
      authTime: typeof claims.auth_time === 'number' ? claims.auth_time : undefined,
      mfaAt,
      scopes: (result.scope ?? '').split(' ').filter(Boolean),
      userAgent:
        typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 256) : null,
    };
  }

  private tokenSet(result: CodeExchangeResult): TokenSet {
    return {
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      idToken: result.idToken,
      expiresAt: result.expiresAt,
      tokenType: result.tokenType.toLowerCase() === 'dpop' ? 'dpop' : 'bearer',
      scope: result.scope,
    };
  }
}
