import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { createMfaServices } from '../../mfa/mfa-services.js';
import { createPasswordlessCodes } from '../../passwordless/passwordless-codes.js';
import type { TenantContext } from '../../tenant-context.js';
import { invalidRequest, oauthError } from '../oauth-errors.js';
import { PASSWORDLESS_OTP_GRANT } from '../routes.js';
import type { DirectLoginIssuer } from './issue-tokens.js';
import { answerMfaRequired } from './mfa-required.js';

/**
 * Auth0's passwordless OTP grant (`http://auth0.com/oauth/grant-type/passwordless/otp`: `username` = the
 * email or phone number, `otp` = the code `/passwordless/start` sent, `realm` = `email` or `sms`,
 * `scope`, `audience`), for applications that list it. Tokens as the password-realm grant issues them,
 * with `amr` `["otp"]` (email) or `["sms"]`; a user whose logins always need MFA gets `mfa_required`.
 * A wrong code is 403 `invalid_grant` in Auth0's words; after three, the code is used up
 * (docs/tenant.md#passwordless).
 */

const WRONG = {
  email: 'Wrong email or verification code.',
  sms: 'Wrong phone number or verification code.',
} as const;
const EXHAUSTED = "You've reached the maximum number of attempts. Please try to login again.";

export function registerPasswordlessOtpGrant(
  provider: Provider,
  tenant: TenantContext,
  issue: DirectLoginIssuer,
): void {
  const codes = createPasswordlessCodes(tenant);
  const { tokens: mfaTokens } = createMfaServices(tenant);

  async function handler(ctx: KoaContextWithOIDC): Promise<void> {
    const { username, otp, realm } = ctx.oidc.params as Record<string, string | undefined>;
    for (const [name, value] of Object.entries({ username, otp, realm }))
      if (!value) throw invalidRequest(`Missing required parameter: ${name}`);
    if ((realm !== 'email' && realm !== 'sms') || !tenant.config.passwordless.connections.includes(realm))
      throw invalidRequest(`Unknown realm: ${String(realm).slice(0, 100)}`);
    const recipient = realm === 'email' ? String(username).trim().toLowerCase() : String(username);
    const result = await codes.redeem(realm, recipient, String(otp), ctx.oidc.client.clientId);
    if (result.kind === 'exhausted') throw oauthError(403, 'invalid_grant', EXHAUSTED);
    const account = result.kind === 'ok' ? await tenant.accounts.findById(result.accountId) : undefined;
    if (!account) throw oauthError(403, 'invalid_grant', WRONG[realm]);
    const amr = [realm === 'email' ? 'otp' : 'sms'];
    if (await answerMfaRequired(ctx, mfaTokens, account, amr)) return;
    await issue(ctx, { accountId: account.user_id, amr, gty: 'passwordless' });
  }

  provider.registerGrantType(PASSWORDLESS_OTP_GRANT, handler, [
    'username',
    'otp',
    'realm',
    'audience',
    'scope',
  ]);
}
