import type { KoaContextWithOIDC } from 'oidc-provider';
import type { ClientDirectory } from './provider-clients.js';

/**
 * oidc-provider's `loadExistingGrant`: Auth0 never asks a user to consent for a first-party application,
 * even on a silent request (`prompt=none`, spa-js's iframe) for scopes or an API the session has not
 * granted yet. For such clients the session's grant is extended here with what this request asks for (the
 * OpenID scopes, and per resource indicator the scopes its access policy allows, already capped in
 * `getResourceServerInfo`), so no consent prompt arises. Third-party clients keep their grant as it is.
 * `offline_access` is left to the consent step (offline-access-middleware.ts prompts it for these clients).
 */
export function createLoadExistingGrant(clients: ClientDirectory) {
  return async function loadExistingGrant(ctx: KoaContextWithOIDC) {
    const { client, session, result, provider } = ctx.oidc;
    const grantId = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
    const existing = grantId ? await provider.Grant.find(grantId) : undefined;
    if (!clients.isFirstParty(client.clientId) || !session.accountId) return existing;
    const grant = existing ?? new provider.Grant({ accountId: session.accountId, clientId: client.clientId });
    const requested: Set<string> = ctx.oidc.requestParamScopes;
    const oidc = [...requested].filter((s) => ['openid', 'profile', 'email'].includes(s));
    if (oidc.length) grant.addOIDCScope(oidc.join(' '));
    const claims = ctx.oidc.requestParamClaims;
    if (claims?.size) grant.addOIDCClaims([...claims]);
    for (const [indicator, server] of Object.entries(ctx.oidc.resourceServers ?? {})) {
      const allowed = [...requested].filter((s) => (server as { scopes: Set<string> }).scopes.has(s));
      if (allowed.length) grant.addResourceScope(indicator, allowed.join(' '));
    }
    await grant.save();
    return grant;
  };
}
