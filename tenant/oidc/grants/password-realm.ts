import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { createMfaServices } from '../../mfa/mfa-services.js';
import type { TenantContext } from '../../tenant-context.js';
import { invalidRequest, tooManyAttempts, wrongEmailOrPassword } from '../oauth-errors.js';
import { checkPassword } from '../password-check.js';
import { PASSWORD_REALM_GRANT } from '../routes.js';
import type { DirectLoginIssuer } from './issue-tokens.js';
import { answerMfaRequired } from './mfa-required.js';

/**
 * Auth0's resource owner password grants: `http://auth0.com/oauth/grant-type/password-realm` (username,
 * password, realm = the database connection, audience, scope) and `password` (the same, `realm` optional:
 * without it the tenant's default directory, its one database connection). Each only for clients that list
 * it. A user whose logins always need MFA gets Auth0's `mfa_required` (403) with an `mfa_token`, which the
 * MFA API and grants redeem (`tenant/mfa/`, `mfa-grants.ts`).
 */
export function registerPasswordRealmGrant(
  provider: Provider,
  tenant: TenantContext,
  issue: DirectLoginIssuer,
): void {
  const { tokens: mfaTokens } = createMfaServices(tenant);

  async function handler(ctx: KoaContextWithOIDC): Promise<void> {
    const { username, password, realm } = ctx.oidc.params as Record<string, string | undefined>;
    if (!username || !password) throw invalidRequest('username and password are required');
    if (realm && realm !== tenant.config.tenant.database_connection)
      throw invalidRequest(`Unknown realm: ${realm}`);
    const check = await checkPassword(tenant, username, password);
    if (check.kind === 'blocked') throw tooManyAttempts();
    if (check.kind === 'wrong') throw wrongEmailOrPassword();
    const { account } = check;
    if (await answerMfaRequired(ctx, mfaTokens, account, ['pwd'])) return;
    await issue(ctx, { accountId: account.user_id, amr: ['pwd'], gty: 'password' });
  }
  const params = ['username', 'password', 'realm', 'audience', 'scope'];
  provider.registerGrantType(PASSWORD_REALM_GRANT, handler, params);
  provider.registerGrantType('password', handler, params);
}
