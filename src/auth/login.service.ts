import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as oidcRandom from 'node:crypto';
import type { OidcConfig, StepUpConfig } from '../config/config.schema.js';
import { OIDC_CONFIG, STEP_UP_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { LoginLoopGuard } from './login-loop.guard.js';
import { LoginTransactionCookies } from './login-transaction-cookies.js';
import { parseLoginQuery } from './login-params.js';

const random = () => oidcRandom.randomBytes(32).toString('base64url');

/**
 * `GET /auth/login`: the loop guard, a login transaction in its own cookie (keyed by state), then the
 * authorization URL. Writes nothing to Redis (RED-12), except a session's step-up record.
 */
@Injectable()
export class LoginService {
  constructor(
    private readonly oidc: OidcClient,
    private readonly transactions: LoginTransactionCookies,
    private readonly loopGuard: LoginLoopGuard,
    private readonly audit: AuditLog,
    @Inject(OIDC_CONFIG) private readonly oidcConfig: OidcConfig,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
  ) {}

  /** Returns the URL to redirect to; sets the transaction's cookie. */
  async start(req: Request, res: Response): Promise<string> {
    const params = parseLoginQuery(req.query, this.oidcConfig, this.stepUp);
    // A step-up (RFC 9470 §4) asks for `acr_values` and/or `max_age`: the first-factor case has only `max_age`.
    const stepUp = params.acrValues !== undefined || params.maxAge !== undefined;
    await this.guardAgainstLoops(req, res, params.returnTo, stepUp);
    const state = random();
    const nonce = random();
    const codeVerifier = random();
    const url = await this.oidc.buildLoginUrl({ state, nonce, codeVerifier, ...params });
    this.transactions.issue(req, res, {
      state,
      codeVerifier,
      nonce,
      returnTo: params.returnTo,
      maxAge: params.maxAge,
      acrValues: params.acrValues,
      createdAt: Date.now(),
    });
    return url.href;
  }

  /** Before any redirect: a browser (or a step-up) going round in circles gets the loop page instead. */
  private async guardAgainstLoops(req: Request, res: Response, returnTo: string, stepUp: boolean) {
    try {
      await this.loopGuard.countStart(req, res, returnTo, stepUp);
    } catch (err) {
      if (err instanceof BffError && err.status === 429)
        this.audit.record('login_failed', { reason: stepUp ? 'step-up loop' : 'login loop' });
      throw err;
    }
  }
}
