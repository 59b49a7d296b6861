import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { StepUpConfig } from '../config/config.schema.js';
import { STEP_UP_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import type { ActiveSessionList } from '../public-api.types.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { UserSessions } from '../session/user-sessions.service.js';
import { evaluateStepUp } from '../step-up/evaluate-step-up.js';
import { StepUpRequired } from '../step-up/step-up-challenge.js';
import { stepUpPolicyFromConfig, type StepUpPolicy } from '../step-up/step-up-policy.js';

/**
 * Step-up operation names of `DELETE /api/sessions/{id}` and `POST /api/sessions/revoke-others`
 * (docs/architecture.md#the-my-account-proxy).
 */
export const REVOKE_SESSION_OPERATION = 'revokeSession';
export const REVOKE_OTHER_SESSIONS_OPERATION = 'revokeOtherSessions';

export class SessionNotFound extends BffError {
  constructor() {
    super({ status: 404, code: 'not_found', title: 'Not found', detail: 'No session of yours has this id.' });
  }
}

/**
 * `GET /api/sessions`, `DELETE /api/sessions/{id}` and `POST /api/sessions/revoke-others` ("sign out
 * everywhere else", SES-11: offered after a factor change): the user's own sessions; revoking needs fresh MFA.
 * A revoked session's refresh token is revoked at the tenant (best effort) and an audit line is written.
 */
@Injectable()
export class SessionsService {
  private readonly policy: StepUpPolicy;

  constructor(
    private readonly sessions: SessionService,
    private readonly userSessions: UserSessions,
    @Inject(STEP_UP_CONFIG) stepUp: StepUpConfig,
  ) {
    this.policy = stepUpPolicyFromConfig(stepUp);
  }

  async list(req: Request): Promise<ActiveSessionList> {
    const { id, data } = this.sessions.require(req);
    return { sessions: await this.userSessions.list(data.user.sub, id) };
  }

  async revoke(req: Request, handle: string): Promise<void> {
    const { data } = this.requireFreshMfa(req, 'DELETE', REVOKE_SESSION_OPERATION);
    if (!(await this.userSessions.revoke(data.user.sub, handle))) throw new SessionNotFound();
  }

  /** Ends every other session of the user; returns how many were ended. */
  async revokeOthers(req: Request): Promise<number> {
    const { id, data } = this.requireFreshMfa(req, 'POST', REVOKE_OTHER_SESSIONS_OPERATION);
    const others = (await this.sessions.idsBySub(data.user.sub)).filter((other) => other !== id);
    let revoked = 0;
    for (const other of others) {
      if (await this.userSessions.revoke(data.user.sub, sessionHandle(other))) revoked++;
    }
    return revoked;
  }

  private requireFreshMfa(req: Request, method: 'POST' | 'DELETE', operationId: string) {
    const session = this.sessions.require(req);
    const decision = evaluateStepUp({
      route: { method, operationId },
      mfa: { lastMfaAt: session.data.mfa?.lastMfaAt ?? null },
      authTime: session.data.authTime ?? null,
      hasConfirmedFactor: undefined,
      now: Math.floor(Date.now() / 1000),
      policy: this.policy,
    });
    if (!decision.ok) throw new StepUpRequired(decision.challenge, '/');
    return session;
  }
}
