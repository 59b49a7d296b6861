import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import type { TenantContext } from '../../tenant-context.js';
import { invalidGrant, invalidRequest } from '../oauth-errors.js';
import { PasskeyChallenges } from '../passkey-challenge.js';
import { parseAssertion, verifyPasskeyAssertion } from '../passkey-assertion.js';
import { completePasskeySignup } from '../passkey-signup.js';
import { WEBAUTHN_GRANT } from '../routes.js';
import type { DirectLoginIssuer } from './issue-tokens.js';

/**
 * Auth0 native passkey login, second half (my-account-api.md §9.7): `grant_type=urn:okta:params:oauth:
 * grant-type:webauthn` with the `auth_session` from `POST /passkey/challenge` and the WebAuthn assertion
 * (`authn_response`, JSON). The user is the passkey's user handle; `amr` is `["webauthn"]`. A session
 * from `POST /passkey/register` takes the new credential instead and creates the user (`passkey-signup.ts`).
 */
export function registerWebauthnGrant(
  provider: Provider,
  tenant: TenantContext,
  issuer: string,
  issue: DirectLoginIssuer,
): void {
  const challenges = new PasskeyChallenges(tenant.redis, tenant.prefix);

  async function handler(ctx: KoaContextWithOIDC): Promise<void> {
    const { auth_session: authSession, authn_response: authnResponse } = ctx.oidc.params as Record<
      string,
      string | undefined
    >;
    if (!authSession || !authnResponse) throw invalidRequest('auth_session and authn_response are required');
    const assertion = parseAssertion(authnResponse);
    if (!assertion) throw invalidRequest('authn_response must be a WebAuthn assertion (JSON)');
    const pending = await challenges.take(authSession);
    if (!pending || pending.client_id !== ctx.oidc.client.clientId)
      throw invalidGrant('auth_session is invalid or expired');
    if (pending.signup) {
      const credential = assertion as unknown as { response: Record<string, unknown> };
      if (typeof credential.response.attestationObject !== 'string')
        throw invalidGrant('A passkey signup needs the new credential (an attestation) as authn_response');
      const signup = { ...pending, signup: pending.signup };
      const created = await completePasskeySignup(tenant, signup, credential, ctx.get('user-agent'));
      return issue(ctx, { accountId: created.user_id, amr: ['webauthn'], gty: 'webauthn' });
    }
    const handle = assertion.response.userHandle;
    const userId = handle ? Buffer.from(handle, 'base64url').toString('utf8') : '';
    const account = userId ? await tenant.accounts.findById(userId) : undefined;
    const verified =
      account && (await verifyPasskeyAssertion(tenant, account, issuer, assertion, pending.challenge));
    if (!account || !verified) throw invalidGrant('The passkey could not be verified');
    await issue(ctx, { accountId: account.user_id, amr: ['webauthn'], gty: 'webauthn' });
  }
  provider.registerGrantType(WEBAUTHN_GRANT, handler, [
    'auth_session',
    'authn_response',
    'realm',
    'audience',
    'scope',
  ]);
}
