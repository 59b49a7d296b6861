import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * The OpenID scopes a token request was granted, as Auth0 reports them: in the token response's `scope`
 * (before the API's scopes) and in the access token's `scope` claim. oidc-provider reports only the
 * resource server's scopes for an API audience, so SDKs that cache tokens by scope (server-js
 * `getAccessToken`) never found theirs and refreshed on every call. `offline_access` is reported only when
 * a refresh token backs the answer (RFC 6749 §5.1: `scope` is what was granted).
 */

export const OIDC_SCOPES: readonly string[] = ['openid', 'profile', 'email', 'offline_access'];

const split = (scope: unknown): string[] =>
  typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];

/** Where this token request's scope comes from: the code, the refresh token, or a direct login. */
function requestedScope(ctx: KoaContextWithOIDC): string[] {
  const { params, entities } = ctx.oidc;
  switch (params?.grant_type) {
    case 'authorization_code':
      return split(entities.AuthorizationCode?.scope);
    case 'refresh_token': {
      const held = new Set(split(entities.RefreshToken?.scope));
      const asked = params.scope ? split(params.scope) : [...held];
      return asked.filter((s) => held.has(s));
    }
    case 'client_credentials':
      return [];
    default:
      return split(ctx.state?.tenantOidcScope);
  }
}

/** The OpenID scopes granted to this token request (ordered as OIDC_SCOPES). */
export function grantedOidcScopes(ctx: KoaContextWithOIDC, withRefreshToken: boolean): string[] {
  const requested = new Set(requestedScope(ctx));
  const grant = ctx.oidc.entities.Grant;
  const granted = grant ? new Set(split(grant.getOIDCScope())) : requested;
  return OIDC_SCOPES.filter(
    (s) => requested.has(s) && granted.has(s) && (s !== 'offline_access' || withRefreshToken),
  );
}

export function mergeScopes(first: readonly string[], second: unknown): string {
  return [...new Set([...first, ...split(second)])].join(' ');
}

/** The token endpoint's answer carries the OpenID scopes too. */
export function createTokenScopeMiddleware(tokenPath: string) {
  return async function tokenScope(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    await next();
    if (ctx.path !== tokenPath || ctx.status !== 200) return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (!body || typeof body !== 'object' || typeof body.access_token !== 'string') return;
    const withRefreshToken = 'refresh_token' in body || ctx.oidc.params?.grant_type === 'refresh_token';
    const scope = mergeScopes(grantedOidcScopes(ctx, withRefreshToken), body.scope);
    if (scope) body.scope = scope;
  };
}

/**
 * oidc-provider's JWT access token customizer: an API token requested with `openid` also names the
 * userinfo endpoint as audience (`aud: [api, https://{domain}/userinfo]`), and its `scope` claim lists the
 * OpenID scopes, as Auth0 mints them.
 */
export function createJwtCustomizer(issuer: string) {
  return async function customizeJwt(
    ctx: KoaContextWithOIDC,
    _token: unknown,
    jwt: { payload: Record<string, unknown> },
  ): Promise<void> {
    if (!ctx?.oidc) return;
    const hasRefresh =
      Boolean(ctx.oidc.entities.RefreshToken) || ctx.oidc.params?.grant_type === 'refresh_token';
    const oidc = grantedOidcScopes(ctx, hasRefresh || requestedScope(ctx).includes('offline_access'));
    if (oidc.length === 0) return;
    jwt.payload.scope = mergeScopes(oidc, jwt.payload.scope);
    if (oidc.includes('openid') && typeof jwt.payload.aud === 'string') {
      jwt.payload.aud = [jwt.payload.aud, `${issuer}userinfo`];
    }
  };
}
