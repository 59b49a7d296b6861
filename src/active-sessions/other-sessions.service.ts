import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { StepUpConfig } from '../config/config.schema.js';
import { STEP_UP_CONFIG } from '../config/config.tokens.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { UserSessions } from '../session/user-sessions.service.js';
import { evaluateStepUp } from '../step-up/evaluate-step-up.js';
import { StepUpRequired } from '../step-up/step-up-challenge.js';
import { stepUpPolicyFromConfig, type StepUpPolicy } from '../step-up/step-up-policy.js';

/** The step-up operation name of `POST /api/sessions/revoke-others` (policy data, DESIGN §6). */
export const REVOKE_OTHER_SESSIONS_OPERATION = 'revokeOtherSessions';

/**
 * "Sign out everywhere else" (SES-11: offered after a factor change): ends every session of the user
 * except the caller's, each like `DELETE /api/sessions/{id}` (refresh token revoked at the tenant, best
 * effort; audit line). Needs a fresh MFA, as revoking one session does.
 */
@Injectable()
export class OtherSessions {
  private readonly policy: StepUpPolicy;

  constructor(
    private readonly sessions: SessionService,
    private readonly userSessions: UserSessions,
    @Inject(STEP_UP_CONFIG) stepUp: StepUpConfig,
  ) {
    this.policy = stepUpPolicyFromConfig(stepUp);
  }

  /** Returns how many sessions were ended. */
  async revokeOthers(req: Request): Promise<number> {
    const { id, data } = this.sessions.require(req);
    const decision = evaluateStepUp({
      route: { method: 'POST', operationId: REVOKE_OTHER_SESSIONS_OPERATION },
      mfa: { lastMfaAt: data.mfa?.lastMfaAt ?? null },
      authTime: data.authTime ?? null,
      hasConfirmedFactor: undefined,
      now: Math.floor(Date.now() / 1000),
      policy: this.policy,
    });
    if (!decision.ok) throw new StepUpRequired(decision.challenge, '/');
    const others = (await this.sessions.idsBySub(data.user.sub)).filter((other) => other !== id);
    let revoked = 0;
    for (const other of others) {
      if (await this.userSessions.revoke(data.user.sub, sessionHandle(other))) revoked++;
    }
    return revoked;
  }
}
