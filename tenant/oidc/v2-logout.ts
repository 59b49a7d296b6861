import type { KoaContextWithOIDC } from 'oidc-provider';
import type { SeedClient } from '../config/tenant-config.schema.js';
import { renderErrorPage } from '../interactions/html.js';
import type { ClientDirectory } from './provider-clients.js';

/**
 * Auth0's `GET /v2/logout` (authentication-api-oas.json; the only logout URL spa-js and auth-js build):
 * `client_id`, `returnTo`, `federated`. `returnTo` must be one of the application's Allowed Logout URLs
 * (`post_logout_redirect_uris`; without `client_id`, any application's), else a 400 page and no redirect.
 * A valid request is handed to the OIDC logout endpoint (`client_id` + `post_logout_redirect_uri`), which
 * ends the session without confirmation and sends the back-channel logout tokens (logout.ts). `federated`
 * is accepted: this tenant has no upstream identity provider session to end.
 */

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function refuse(ctx: KoaContextWithOIDC, description: string): void {
  ctx.status = 400;
  ctx.type = 'html';
  ctx.body = renderErrorPage('invalid_request', description);
}

export function createV2LogoutMiddleware(
  endSessionPath: string,
  clients: ClientDirectory,
  all: SeedClient[],
) {
  return async function v2Logout(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.path !== '/v2/logout') return next();
    if (ctx.method !== 'GET') {
      ctx.status = 405;
      ctx.set('allow', 'GET');
      return;
    }
    const clientId = text(ctx.query.client_id);
    const returnTo = text(ctx.query.returnTo);
    const client = clientId ? clients.get(clientId) : undefined;
    if (clientId && !client) return refuse(ctx, `Unknown client_id: ${clientId}`);
    const candidates = client ? [client] : all;
    const owner = returnTo ? candidates.find((c) => c.post_logout_redirect_uris.includes(returnTo)) : client;
    if (returnTo && !owner) {
      return refuse(
        ctx,
        `The "returnTo" querystring parameter "${returnTo}" is not defined as a valid URL in "Allowed Logout URLs".`,
      );
    }
    const params = new URLSearchParams();
    if (owner) params.set('client_id', owner.client_id);
    if (returnTo) params.set('post_logout_redirect_uri', returnTo);
    ctx.path = endSessionPath;
    ctx.querystring = params.toString();
    return next();
  };
}
