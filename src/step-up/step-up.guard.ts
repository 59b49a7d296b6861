import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { SessionService } from '../session/session.service.js';
import { decideStepUp, stepUpFactsOf } from './evaluate-step-up.js';
import { STEP_UP_POLICY } from './step-up-policy.provider.js';
import type { StepUpPolicy } from './step-up-policy.js';
import { stepUpRequired } from './step-up-required.js';

/** Metadata key set by `@RequireStepUp`: the operation name the policy knows the route by. */
export const STEP_UP_OPERATION = 'stepUp:operation';

/**
 * Enforces `@RequireStepUp(operationId)` on a BFF route (SU-14): the session's MFA facts must satisfy the
 * policy for the request's method and that operation, else 401 `insufficient_user_authentication` with
 * `login_url` back to `/`. Route-level (the decorator applies it), so it runs after the global guards: a
 * forged request is refused by CSRF and a missing session is 401 `login_required` before any challenge.
 */
@Injectable()
export class StepUpGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    @Inject(STEP_UP_POLICY) private readonly policy: StepUpPolicy,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const operationId = this.reflector.getAllAndOverride<string | undefined>(STEP_UP_OPERATION, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (operationId === undefined) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const { data } = this.sessions.require(req);
    const route = { method: req.method, operationId };
    const decision = decideStepUp(route, stepUpFactsOf(data), this.policy, nowSeconds());
    if (!decision.ok)
      throw stepUpRequired({ kind: 'policy', challenge: decision.challenge }, this.policy, '/');
    return true;
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
