import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Account } from '../../accounts/account.types.js';
import { mfaRequirements } from '../../mfa/mfa-authenticators.js';
import type { MfaTokens } from '../../mfa/mfa-tokens.js';

/**
 * Auth0's answer to a first-factor login at the token endpoint (password, passwordless code) of a user
 * whose logins always need MFA: 403 `mfa_required` with an `mfa_token` standing for the first factor
 * (with the scope and audience asked for, and its `amr`) and the `mfa_requirements`; the MFA API and
 * grants finish the login (docs/tenant.md#mfa-api). Returns false for users who need no second factor.
 */
export async function answerMfaRequired(
  ctx: KoaContextWithOIDC,
  tokens: MfaTokens,
  account: Account,
  amr: string[],
): Promise<boolean> {
  if (account.mfa !== 'always') return false;
  ctx.status = 403;
  ctx.body = {
    error: 'mfa_required',
    error_description: 'Multifactor authentication required',
    mfa_token: await tokens.issue({
      accountId: account.user_id,
      clientId: ctx.oidc.client.clientId,
      scope: ctx.oidc.params.scope as string | undefined,
      audience: ctx.oidc.params.audience as string | undefined,
      amr,
    }),
    mfa_requirements: mfaRequirements(account),
  };
  return true;
}
