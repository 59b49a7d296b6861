import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { PASSWORD_REALM_GRANT } from '../oidc/embedded-grants.js';
import { STEP_UP_POLICY } from '../step-up/step-up-policy.provider.js';
import type { StepUpPolicy } from '../step-up/step-up-policy.js';
import { stepUpRequired } from '../step-up/step-up-required.js';
import { EMBEDDED_LOGIN_OPTIONS, type EmbeddedLoginOptions } from './embedded-login.options.js';
import { EmbeddedLoginRejected } from './embedded-login-errors.js';
import { EmbeddedLogin } from './embedded-login.service.js';
import { parsePasswordLogin } from './login-bodies.js';

/**
 * Embedded password login (Auth0 password-realm grant, my-account-api.md §9.8); off by default
 * (`auth.passwordLogin.enabled`, PasswordLoginEnabledGuard). A wrong user and a wrong password get the same answer (no user
 * enumeration, OWASP ASVS 5.0 6.3.8); a user whose logins need MFA is sent to the redirect login, which
 * can ask for the second factor.
 */
@Injectable()
export class PasswordLogin {
  constructor(
    private readonly embedded: EmbeddedLogin,
    @Inject(STEP_UP_POLICY) private readonly policy: StepUpPolicy,
    @Inject(EMBEDDED_LOGIN_OPTIONS) private readonly options: EmbeddedLoginOptions,
  ) {}

  async login(req: Request, body: unknown): Promise<void> {
    const { username, password } = parsePasswordLogin(body);
    const params: Record<string, string> = { username, password };
    if (this.options.realm) params.realm = this.options.realm;
    await this.embedded.login(req, 'password', { type: PASSWORD_REALM_GRANT, params }, (refusal) => {
      if (refusal.error === 'mfa_required')
        // RFC 9470: the redirect login with the MFA policy (no mfa_token ever reaches the page).
        return stepUpRequired({ kind: 'login_mfa_required' }, this.policy);
      if (refusal.error === 'invalid_grant' || refusal.error === 'invalid_user_password')
        return new EmbeddedLoginRejected('Wrong email or password.', refusal);
      return undefined;
    });
  }
}
