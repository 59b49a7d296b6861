import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import * as oidcRandom from 'node:crypto';
import type { OidcConfig, SessionConfig, StepUpConfig } from '../config/config.schema.js';
import { OIDC_CONFIG, SESSION_CONFIG, STEP_UP_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { LoginTransactionStore } from '../session/login-transaction.store.js';
import { ensureBinding, hashBinding } from './browser-binding.js';
import { LoginLoopGuard } from './login-loop.guard.js';
import { parseLoginQuery } from './login-params.js';

const random = () => oidcRandom.randomBytes(32).toString('base64url');

/** `GET /auth/login`: a login transaction in Redis (keyed by state), then the authorization URL. */
@Injectable()
export class LoginService {
  constructor(
    private readonly oidc: OidcClient,
    private readonly transactions: LoginTransactionStore,
    private readonly loopGuard: LoginLoopGuard,
    private readonly audit: AuditLog,
    @Inject(OIDC_CONFIG) private readonly oidcConfig: OidcConfig,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
  ) {}

  /** Returns the URL to redirect to; sets the browser-binding cookie. */
  async start(req: Request, res: Response): Promise<string> {
    const params = parseLoginQuery(req.query as Record<string, unknown>, this.oidcConfig, this.stepUp);
    const ttl = this.oidcConfig.loginTransactionTtlSeconds;
    const binding = ensureBinding(req, res, this.sessionConfig.transactionCookieName, ttl);
    // A step-up (RFC 9470 §4) asks for `acr_values` and/or `max_age`: the first-factor case has only `max_age`.
    const stepUp = params.acrValues !== undefined || params.maxAge !== undefined;
    await this.guardAgainstLoops(req, binding, params.returnTo, stepUp);
    const state = random();
    const nonce = random();
    const codeVerifier = random();
    const url = await this.oidc.buildLoginUrl({ state, nonce, codeVerifier, ...params });
    await this.transactions.save(
      state,
      {
        codeVerifier,
        nonce,
        returnTo: params.returnTo,
        binding: hashBinding(binding),
        maxAge: params.maxAge,
        acrValues: params.acrValues,
        createdAt: Date.now(),
      },
      ttl,
    );
    return url.href;
  }

  /** Before any redirect: a browser (or a step-up) going round in circles gets the loop page instead. */
  private async guardAgainstLoops(req: Request, binding: string, returnTo: string, stepUp: boolean) {
    try {
      await this.loopGuard.countStart(binding, returnTo);
      if (stepUp) await this.loopGuard.registerStepUp(req, binding, returnTo);
    } catch (err) {
      if (err instanceof BffError && err.status === 429)
        this.audit.record('login_failed', { reason: stepUp ? 'step-up loop' : 'login loop' });
      throw err;
    }
  }
}
