import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { StepUpConfig } from '../config/config.schema.js';
import { STEP_UP_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import type { ActiveSessionList } from '../public-api.types.js';
import { SessionService } from '../session/session.service.js';
import { UserSessions } from '../session/user-sessions.service.js';
import { evaluateStepUp } from '../step-up/evaluate-step-up.js';
import { StepUpRequired } from '../step-up/step-up-challenge.js';
import { stepUpPolicyFromConfig, type StepUpPolicy } from '../step-up/step-up-policy.js';

/** The step-up operation name of `DELETE /api/sessions/{id}` (policy data, DESIGN §6). */
export const REVOKE_SESSION_OPERATION = 'revokeSession';

export class SessionNotFound extends BffError {
  constructor() {
    super({ status: 404, code: 'not_found', title: 'Not found', detail: 'No session of yours has this id.' });
  }
}

/** `GET /api/sessions` and `DELETE /api/sessions/{id}`: the user's own sessions; revoking needs fresh MFA. */
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
    const { data } = this.sessions.require(req);
    const decision = evaluateStepUp({
      route: { method: 'DELETE', operationId: REVOKE_SESSION_OPERATION },
      mfa: { lastMfaAt: data.mfa?.lastMfaAt ?? null },
      authTime: data.authTime ?? null,
      hasConfirmedFactor: undefined,
      now: Math.floor(Date.now() / 1000),
      policy: this.policy,
    });
    if (!decision.ok) throw new StepUpRequired(decision.challenge, '/');
    if (!(await this.userSessions.revoke(data.user.sub, handle))) throw new SessionNotFound();
  }
}
