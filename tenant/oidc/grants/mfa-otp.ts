import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { matchTotp, MFA_ACR } from '../../accounts/login-factors.js';
import type { TenantContext } from '../../tenant-context.js';
import { accessDenied, invalidRequest } from '../oauth-errors.js';
import { MFA_OTP_GRANT } from '../routes.js';
import type { DirectLoginIssuer } from './issue-tokens.js';
import { MfaTokens } from './mfa-token.js';

/**
 * Auth0's `http://auth0.com/oauth/grant-type/mfa-otp` (authentication-api-oas.json `MfaOtpGrant`):
 * `mfa_token` from a password-realm `mfa_required` answer plus the user's TOTP `otp` finish that login,
 * with the audience and scope first asked for; `amr` is `["pwd","mfa"]` and `acr` the MFA policy.
 * A wrong code consumes the token (start again with the password), so it cannot be guessed at leisure.
 */
export function registerMfaOtpGrant(
  provider: Provider,
  tenant: TenantContext,
  issue: DirectLoginIssuer,
): void {
  const tokens = new MfaTokens(tenant.redis, tenant.prefix);

  async function handler(ctx: KoaContextWithOIDC): Promise<void> {
    const { mfa_token: mfaToken, otp } = ctx.oidc.params as Record<string, string | undefined>;
    if (!mfaToken || !otp) throw invalidRequest('mfa_token and otp are required');
    const pending = await tokens.take(mfaToken);
    if (!pending || pending.clientId !== ctx.oidc.client.clientId)
      throw accessDenied('Malformed or expired mfa_token');
    const account = await tenant.accounts.findById(pending.accountId);
    if (!account || !matchTotp(account, otp)) throw accessDenied('Invalid otp_code.');
    await issue(ctx, {
      accountId: account.user_id,
      amr: ['pwd', 'mfa'],
      acr: MFA_ACR,
      gty: 'mfa-otp',
      scope: pending.scope,
      audience: pending.audience,
    });
  }
  provider.registerGrantType(MFA_OTP_GRANT, handler, ['mfa_token', 'otp']);
}
