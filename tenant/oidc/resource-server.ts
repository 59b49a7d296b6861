import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { AccountStore } from '../accounts/account-store.js';
import { MY_ACCOUNT_SCOPES, type TenantConfig } from '../config/tenant-config.schema.js';
import { accessDenied, clientNotAuthorized, serviceNotFound } from './oauth-errors.js';

/**
 * The My Account API as a resource server, with Auth0's application access policies
 * (my-account-api.md §2.3-2.4): final scopes = requested ∩ client grant (`require_client_grant`) ∩ the
 * user's RBAC permissions (when on) ∩ consent. oidc-provider intersects the requested scopes with the
 * `scope` returned here, and consent (automatic for first-party clients) grants what remains.
 */

export interface ResourceServerInfo {
  scope: string;
  audience: string;
  accessTokenTTL: number;
  accessTokenFormat: 'jwt';
  jwt: { sign: { alg: 'RS256' } };
}

/** The account the token will be for, when already known (after login, at the token endpoint). */
function subjectOf(ctx: KoaContextWithOIDC): string | undefined {
  const { entities, session } = ctx.oidc ?? {};
  return (
    entities?.AuthorizationCode?.accountId ??
    entities?.RefreshToken?.accountId ??
    entities?.Account?.accountId ??
    ctx.state?.tenantAccountId ??
    session?.accountId
  );
}

function grantType(ctx: KoaContextWithOIDC): string | undefined {
  return ctx.oidc?.route === 'token' ? ctx.oidc.params?.grant_type : undefined;
}

/** Scopes the policy lets this client ask for, before RBAC. */
function policyScopes(config: TenantConfig, clientId: string, audience: string): readonly string[] {
  const api = config.my_account_api;
  if (api.user_policy === 'deny_all') {
    throw accessDenied(`No application may access "${audience}" on behalf of a user (policy deny_all).`);
  }
  if (api.user_policy === 'allow_all') return MY_ACCOUNT_SCOPES;
  const grant = config.client_grants.find(
    (g) => g.client_id === clientId && g.audience === audience && g.subject_type === 'user',
  );
  if (!grant) throw clientNotAuthorized(clientId, audience);
  return grant.scope.filter((s) => (MY_ACCOUNT_SCOPES as readonly string[]).includes(s));
}

/**
 * A configured API other than My Account: open to every application for user flows (Auth0's default for
 * a custom API without RBAC or required client grants), with the scopes it defines.
 */
function apiInfo(api: TenantConfig['apis'][number]): ResourceServerInfo {
  return {
    scope: api.scopes.join(' '),
    audience: api.identifier,
    accessTokenTTL: api.access_token_lifetime,
    accessTokenFormat: 'jwt',
    jwt: { sign: { alg: 'RS256' } },
  };
}

export function createResourceServerInfo(config: TenantConfig, accounts: AccountStore, audience: string) {
  return async function getResourceServerInfo(
    ctx: KoaContextWithOIDC,
    indicator: string,
    client: { clientId: string },
  ): Promise<ResourceServerInfo> {
    const other = config.apis.find((a) => a.identifier === indicator);
    if (other) return apiInfo(other);
    const api = config.my_account_api;
    if (indicator !== audience || !api.active) throw serviceNotFound(indicator);
    // The client-flow policy of the My Account API is fixed to deny_all at Auth0.
    if (grantType(ctx) === 'client_credentials') {
      throw accessDenied(
        `Client credentials cannot be used to access "${audience}" (client-flow policy deny_all).`,
      );
    }
    if (api.dpop === 'required' && ctx.oidc?.route === 'token' && !ctx.get('dpop')) {
      throw new errors.InvalidRequest(
        `"${audience}" only accepts DPoP-bound access tokens: send a DPoP proof`,
      );
    }
    let scopes = policyScopes(config, client.clientId, audience);
    const subject = api.rbac ? subjectOf(ctx) : undefined;
    if (subject) {
      const account = await accounts.findById(subject);
      const permitted = new Set(account?.permissions ?? []);
      scopes = scopes.filter((s) => permitted.has(s));
    }
    return {
      scope: scopes.join(' '),
      audience,
      accessTokenTTL: api.access_token_lifetime,
      accessTokenFormat: 'jwt',
      jwt: { sign: { alg: 'RS256' } },
    };
  };
}
