import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import { issueTokens } from 'oidc-provider/lib/helpers/grant_common.js';
import * as grantHelpers from 'oidc-provider/lib/helpers/grants.js';
import type { ResourceServerInfo } from '../resource-server.js';

/**
 * Token issuance for the Auth0 grants that authenticate the user at the token endpoint (password-realm,
 * webauthn): a fresh grant with the requested OIDC scopes and, for `audience`, the scopes the My Account
 * policy allows; then oidc-provider's own issuance (access token with DPoP binding, ID token, refresh token
 * for `offline_access`), so these tokens look exactly like the code flow's.
 */

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface DirectLogin {
  accountId: string;
  amr: string[];
  acr?: string;
  gty: string;
  /** The scope and audience asked for earlier (mfa-otp); by default this request's parameters. */
  scope?: string;
  audience?: string;
}

export type GetResourceServerInfo = (
  ctx: KoaContextWithOIDC,
  indicator: string,
  client: { clientId: string },
) => Promise<ResourceServerInfo>;

export type DirectLoginIssuer = (ctx: KoaContextWithOIDC, login: DirectLogin) => Promise<void>;

export function createDirectLoginIssuer(
  provider: Provider,
  getResourceServerInfo: GetResourceServerInfo,
): DirectLoginIssuer {
  const helpers = Object.fromEntries(
    Object.entries(grantHelpers).map(([name, fn]) => [name, fn.bind(undefined, provider)]),
  );

  return async function issueDirectLoginTokens(ctx, login) {
    const { client, params } = ctx.oidc;
    const requested = new Set<string>(
      String(login.scope ?? params.scope ?? 'openid')
        .split(' ')
        .filter(Boolean),
    );
    const audience: string | undefined = login.audience ?? (params.audience || undefined);
    // The account is known before the policy runs, so RBAC applies (resource-server.ts).
    ctx.state.tenantAccountId = login.accountId;
    const dPoP = await helpers.validateDpop(ctx);

    const grant = new provider.Grant({ accountId: login.accountId, clientId: client.clientId });
    const oidcScopes = [...requested].filter(
      (s) => OIDC_SCOPES.has(s) && (s !== 'offline_access' || client.grantTypeAllowed('refresh_token')),
    );
    if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
    // What token-scope.ts reports as the OpenID part of this answer's `scope`.
    ctx.state.tenantOidcScope = oidcScopes.join(' ');
    let resourceScopes: string[] = [];
    if (audience) {
      const allowed = new Set((await getResourceServerInfo(ctx, audience, client)).scope.split(' '));
      resourceScopes = [...requested].filter((s) => allowed.has(s));
      grant.addResourceScope(audience, resourceScopes.join(' '));
    }
    const grantId = await grant.save();
    const scope = [...oidcScopes, ...resourceScopes].join(' ');
    const source = {
      accountId: login.accountId,
      acr: login.acr,
      amr: login.amr,
      authTime: Math.floor(Date.now() / 1000),
      grantId,
      scope,
      scopes: new Set(scope.split(' ').filter(Boolean)),
      resource: audience,
      resourceIndicators: new Set(audience ? [audience] : []),
      expiresWithSession: false,
    };
    await issueTokens(provider, helpers, ctx, source, grant, {
      gty: login.gty,
      entityLabel: login.gty,
      dPoP,
    });
  };
}
