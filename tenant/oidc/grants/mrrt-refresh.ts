import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import * as refreshTokenGrant from 'oidc-provider/lib/actions/grants/refresh_token.js';
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import type { ClientDirectory } from '../provider-clients.js';
import { accessDenied } from '../oauth-errors.js';

/**
 * Auth0's multi-resource refresh tokens (docs/tenant.md#multi-resource-refresh-tokens): a
 * `refresh_token` grant with an `audience` other than the one the refresh token was issued for answers an
 * access token for that API when one of the application's `refresh_token.policies` names it, with the
 * requested scopes capped to the policy's (all of them when no scope is asked). Any other audience is
 * refused with 403 `access_denied`. oidc-provider's own refresh grant then does the work: the grant gets
 * the policy's scopes for the API and the refresh token lists the API as one of its resources (so the
 * token, and every rotation of it, may be exchanged for it again); the access token is minted for the
 * requested API only (Auth0: one API per access token).
 */

const split = (scope: unknown) => (typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);

export function registerMrrtRefreshGrant(provider: Provider, clients: ClientDirectory): void {
  const helpers = Object.fromEntries(
    Object.entries(grantHelpers).map(([name, fn]) => [name, fn.bind(undefined, provider)]),
  );
  const refresh = (ctx: KoaContextWithOIDC) => refreshTokenGrant.handler(provider, helpers, ctx);

  /** Widens the refresh token and its grant to `audience` when a policy allows it; refuses otherwise. */
  async function admit(ctx: KoaContextWithOIDC, audience: string): Promise<void> {
    const { params, client } = ctx.oidc;
    const token = await provider.RefreshToken.find(params.refresh_token);
    // Unknown, foreign, expired or used tokens: the refresh grant gives its own answer.
    if (!token || token.clientId !== client.clientId || token.isExpired || token.consumed) return;
    params.resource = audience;
    const held = token.resourceIndicators as Set<string | undefined>;
    if (held.has(audience)) return;
    const policy = clients.refreshTokenPolicy(client.clientId, audience);
    if (!policy)
      throw accessDenied(
        `The refresh token cannot be exchanged for "${audience}": no refresh token policy allows it`,
      );
    const allowed = new Set(policy.scope);
    const asked = params.scope ? split(params.scope) : [...split(token.scope), ...policy.scope];
    // Requested API scopes are capped to the policy; OpenID scopes stay as the refresh token holds them.
    const tokenScopes = new Set(split(token.scope));
    params.scope =
      [...new Set(asked.filter((s) => allowed.has(s) || tokenScopes.has(s)))].join(' ') || undefined;
    const grant = await provider.Grant.find(token.grantId);
    if (!grant) return;
    grant.addResourceScope(audience, policy.scope.join(' '));
    await grant.save();
    token.resource = [...[...held].filter((r): r is string => typeof r === 'string'), audience];
    token.scope = [...new Set([...tokenScopes, ...policy.scope])].join(' ');
    await token.save();
  }

  async function refreshWithAudience(ctx: KoaContextWithOIDC): Promise<void> {
    const audience = ctx.oidc.params.audience as string | undefined;
    if (audience && !ctx.oidc.params.resource) await admit(ctx, audience);
    await refresh(ctx);
  }

  provider.registerGrantType(
    'refresh_token',
    refreshWithAudience,
    [...refreshTokenGrant.parameters, 'resource', 'audience'],
    ['resource'],
  );
}
