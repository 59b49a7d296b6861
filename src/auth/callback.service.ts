import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { IDToken } from '../oidc/oidc.client.js';
import type { MyAccountConfig, OidcConfig, StepUpConfig } from '../config/config.schema.js';
import { MY_ACCOUNT_CONFIG, OIDC_CONFIG, STEP_UP_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { generateDpopKey } from '../oidc/dpop-keys.js';
import { LoginFailed } from '../oidc/oidc-errors.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { checkStepUpResult } from '../step-up/step-up-result.js';
import { LoginLoopGuard } from './login-loop.guard.js';
import { type LoginTransaction, LoginTransactionCookies } from './login-transaction-cookies.js';
import { buildNewSession, buildTokenSet, mfaTimeOf } from './login-result.js';

const AUTH_ERROR = /^[a-z_]{1,64}$/;

/**
 * `GET /auth/callback`: one-time state, browser binding, PKCE and ID token checked; a NEW session with
 * encrypted tokens; MFA recorded from the ID token (RFC 9470 §6.1: never from a refresh). Any failure:
 * the 400 page and no session; an unreachable tenant: the 503 page.
 */
@Injectable()
export class CallbackService {
  constructor(
    private readonly oidc: OidcClient,
    private readonly transactions: LoginTransactionCookies,
    private readonly sessions: SessionService,
    private readonly audit: AuditLog,
    private readonly loopGuard: LoginLoopGuard,
    @Inject(OIDC_CONFIG) private readonly oidcConfig: OidcConfig,
    @Inject(STEP_UP_CONFIG) private readonly stepUp: StepUpConfig,
    @Inject(MY_ACCOUNT_CONFIG) private readonly myAccount: MyAccountConfig,
  ) {}

  /** Returns the `returnTo` to redirect to; `res` gets the spent transaction's cookie cleared. */
  async finish(req: Request, res: Response): Promise<string> {
    try {
      return await this.complete(req, res);
    } catch (err) {
      const failure =
        err instanceof BffError
          ? err
          : new LoginFailed('The sign-in could not be completed. Please start again.', 'unexpected', err);
      this.audit.record('login_failed', {
        reason: failure instanceof LoginFailed ? failure.reason : failure.code,
      });
      throw failure;
    }
  }

  private async complete(req: Request, res: Response): Promise<string> {
    const { state, transaction } = await this.takeTransaction(req, res);
    // DPoP: one key per session, from the first exchange on (the tokens are bound to it).
    const dpop = this.myAccount.tokenType === 'dpop' ? await generateDpopKey() : undefined;
    const checks = {
      state,
      nonce: transaction.nonce,
      codeVerifier: transaction.codeVerifier,
      maxAge: transaction.maxAge,
    };
    const result = await this.oidc.exchangeCode(this.callbackUrl(req), checks, dpop?.keyPair);
    if (dpop && result.tokenType.toLowerCase() !== 'dpop')
      throw new LoginFailed('The sign-in could not be completed.', 'DPoP required, token not bound'); // DP-8
    const mfaAt = mfaTimeOf(result.claims, this.stepUp.acrValues);
    if (transaction.acrValues !== undefined || transaction.maxAge !== undefined)
      await this.verifyStepUp(req, res, result.claims, transaction, mfaAt);
    const session = await this.sessions.establish(
      req,
      buildNewSession(req, result.claims, mfaAt, result.scope),
      buildTokenSet(result, dpop?.privateJwk),
    );
    this.audit.record(transaction.acrValues ? 'step_up' : 'login', {
      sub: result.claims.sub,
      session: sessionHandle(session.id),
      mfa: mfaAt !== null,
      amr: result.claims.amr,
    });
    return transaction.returnTo;
  }

  /**
   * A step-up login (`acr_values` and/or `max_age`) must have met what it asked (RFC 9470 §5, SU-6, with
   * openid-client's own `max_age` check before it): else the 400 page and no session
   * (the loop guard counted this attempt at its start, SU-7). Met: the guard's record is cleared, before
   * the session id changes. A different `sub` is not merged: `establish` starts a fresh session (SU-12).
   */
  private async verifyStepUp(
    req: Request,
    res: Response,
    claims: IDToken,
    tx: LoginTransaction,
    mfaAt: number | null,
  ) {
    const outcome = checkStepUpResult({
      claims,
      sessionSub: claims.sub,
      requested: { acr_values: tx.acrValues, max_age: tx.maxAge },
      now: Math.floor(Date.now() / 1000),
    });
    if (!outcome.ok || (tx.acrValues !== undefined && mfaAt === null)) {
      const reason = outcome.ok ? 'mfa_missing' : outcome.reason;
      throw new LoginFailed(
        reason === 'mfa_missing'
          ? 'The sign-in did not include the required second factor.'
          : 'The sign-in was not recent enough for this action. Please sign in again.',
        `step-up not met: ${reason}`,
      );
    }
    await this.loopGuard.clearStepUp(req, res);
  }

  /**
   * The one-time transaction named by `state`, from this browser's transaction cookie (holding it is the
   * browser binding, BCP-3); LoginFailed otherwise.
   */
  private async takeTransaction(
    req: Request,
    res: Response,
  ): Promise<{ state: string; transaction: LoginTransaction }> {
    const query = req.query as Record<string, unknown>;
    if (query.error !== undefined) {
      const code = typeof query.error === 'string' && AUTH_ERROR.test(query.error) ? ` (${query.error})` : '';
      // The transaction is spent either way (one-time state).
      if (typeof query.state === 'string') await this.transactions.take(req, res, query.state);
      if (query.error === 'unmet_authentication_requirements') throw unmetRequirements();
      throw new LoginFailed(`The sign-in was not completed${code}.`, `authorization error${code}`);
    }
    if (typeof query.state !== 'string' || typeof query.code !== 'string')
      throw new LoginFailed('The sign-in response is incomplete.', 'missing code or state');
    const transaction = await this.transactions.take(req, res, query.state);
    if (!transaction)
      throw new LoginFailed(
        'This sign-in link has expired, was already used or was started in another browser.',
        'unknown state',
      );
    return { state: query.state, transaction };
  }

  /** The callback URL as registered, with the query the tenant sent (never the Host header). */
  private callbackUrl(req: Request): URL {
    const url = new URL(this.oidcConfig.redirectUri);
    const q = req.originalUrl.indexOf('?');
    url.search = q >= 0 ? req.originalUrl.slice(q) : '';
    return url;
  }
}

/**
 * The tenant said it cannot authenticate the user as asked (RFC 9470 §5, OIDC Core §3.1.2.6): a clear
 * page, not another redirect (SU-7).
 */
function unmetRequirements(): LoginFailed {
  return new LoginFailed(
    'The sign-in service could not verify you the way this action requires (a second factor). ' +
      'Check that your account has a second factor set up, then try again; if it keeps happening, ' +
      'tell the site administrator.',
    'authorization error (unmet_authentication_requirements)',
  );
}
