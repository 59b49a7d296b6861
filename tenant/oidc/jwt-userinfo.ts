import type { KoaContextWithOIDC } from 'oidc-provider';
import { CorsPolicy } from '../http/cors.js';
import { AccessTokenVerifier } from '../my-account/auth/access-token.js';
import { insufficientScope } from '../my-account/auth/challenge.js';
import { ApiError } from '../my-account/http/api-error.js';
import type { TenantContext } from '../tenant-context.js';
import { accountClaims } from './account-claims.js';

/**
 * `/userinfo` with an API access token (a JWT): Auth0 mints the access token of an API audience requested
 * with `openid` for the userinfo endpoint too (`aud` holds `https://{domain}/userinfo`, token-scope.ts), so
 * the same token reads the user's profile. oidc-provider only knows its opaque userinfo tokens, so a JWT in
 * the Authorization header is checked here like the My Account API checks it (signature, issuer, audience,
 * expiry, DPoP binding and proof) and answered with the claims of its OpenID scopes. Opaque tokens go on
 * to oidc-provider.
 */

const CLAIMS_BY_SCOPE: Record<string, readonly string[]> = {
  openid: ['sub'],
  profile: ['name', 'nickname', 'picture', 'updated_at'],
  email: ['email', 'email_verified'],
};

function isJwtCredential(header: string | undefined): boolean {
  const token = /^(?:Bearer|DPoP) +(\S+)$/i.exec(header?.trim() ?? '')?.[1];
  return token !== undefined && token.split('.').length === 3;
}

export function createJwtUserinfoMiddleware(tenant: TenantContext, issuer: string, userinfoPath: string) {
  const verifier = new AccessTokenVerifier({
    publicJwks: tenant.keys.publicJwks,
    redis: tenant.redis,
    prefix: tenant.prefix,
    dpop: 'allowed',
  });
  const audience = `${issuer}userinfo`;
  const cors = new CorsPolicy(tenant.config);

  async function answer(ctx: KoaContextWithOIDC): Promise<void> {
    const target = { issuer, audience, url: audience };
    const caller = await verifier.verify(ctx.req, target);
    if (!caller.scopes.has('openid')) throw insufficientScope(caller.scheme, audience, 'openid');
    const account = await tenant.accounts.findById(caller.sub);
    if (!account) throw new ApiError(401, 'invalid_token', 'The user no longer exists');
    const all = accountClaims(account);
    const body: Record<string, unknown> = {};
    for (const scope of caller.scopes) {
      for (const claim of CLAIMS_BY_SCOPE[scope] ?? [])
        if (all[claim] !== undefined) body[claim] = all[claim];
    }
    ctx.status = 200;
    ctx.body = body;
  }

  return async function jwtUserinfo(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.path !== userinfoPath || !['GET', 'POST'].includes(ctx.method)) return next();
    if (!isJwtCredential(ctx.get('authorization'))) return next();
    ctx.set('cache-control', 'no-store');
    cors.decorate(ctx.req, ctx.res);
    try {
      await answer(ctx);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      ctx.status = err.status;
      for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      ctx.body = { error: err.type, error_description: err.detail };
    }
  };
}
