import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { MyAccountConfig, OidcConfig } from '../config/config.schema.js';
import { MY_ACCOUNT_CONFIG, OIDC_CONFIG } from '../config/config.tokens.js';
import { BffError } from '../http/bff-error.js';
import { AuditLog } from '../logging/audit-log.js';
import { generateDpopKey } from '../oidc/dpop-keys.js';
import { EmbeddedGrantRefused, EmbeddedGrants } from '../oidc/embedded-grants.js';
import { RateLimited } from '../rate-limit/rate-limit-errors.js';
import { EmbeddedLoginRejected, EmbeddedLoginUnavailable } from './embedded-login-errors.js';
import { EmbeddedSession } from './embedded-session.js';

/** How a login method turns the identity provider's refusals into answers for the page. */
export type RefusalMapper = (refusal: EmbeddedGrantRefused) => BffError | undefined;

/**
 * One embedded login at the token endpoint: the grant with the My Account `audience` and the configured
 * scopes (DPoP-bound when `myAccount.tokenType` is dpop), then a session like the callback's. Every
 * failure leaves no session and an audit line.
 */
@Injectable()
export class EmbeddedLogin {
  constructor(
    private readonly grants: EmbeddedGrants,
    private readonly session: EmbeddedSession,
    private readonly audit: AuditLog,
    @Inject(OIDC_CONFIG) private readonly oidc: OidcConfig,
    @Inject(MY_ACCOUNT_CONFIG) private readonly myAccount: MyAccountConfig,
  ) {}

  async login(
    req: Request,
    method: 'passkey' | 'password',
    grant: { type: string; params: Record<string, string> },
    mapRefusal: RefusalMapper,
  ): Promise<void> {
    try {
      // DPoP: one key per session, from the first exchange on (the tokens are bound to it).
      const dpop = this.myAccount.tokenType === 'dpop' ? await generateDpopKey() : undefined;
      const params = { ...grant.params, audience: this.oidc.audience, scope: this.oidc.scopes.join(' ') };
      const result = await this.grants.exchange(grant.type, params, dpop?.keyPair);
      if (dpop && result.tokenType.toLowerCase() !== 'dpop') throw new EmbeddedLoginUnavailable(); // DP-8
      await this.session.establish(req, result, method, dpop?.privateJwk);
    } catch (err) {
      const failure = this.toFailure(err, mapRefusal);
      this.audit.record('login_failed', { method, reason: reasonOf(err, failure) });
      throw failure;
    }
  }

  private toFailure(err: unknown, mapRefusal: RefusalMapper): BffError {
    if (err instanceof EmbeddedGrantRefused) {
      const mapped = mapRefusal(err);
      if (mapped) return mapped;
      if (err.error === 'too_many_attempts' || err.status === 429) return new RateLimited(60);
      if (err.error === 'invalid_grant' || err.error === 'access_denied')
        return new EmbeddedLoginRejected('The sign-in was refused.', err);
      return new EmbeddedLoginUnavailable(err);
    }
    return err instanceof BffError ? err : new EmbeddedLoginUnavailable(err);
  }
}

function reasonOf(err: unknown, failure: BffError): string {
  return err instanceof EmbeddedGrantRefused ? err.error : failure.code;
}
