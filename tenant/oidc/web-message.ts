import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderErrorPage } from '../interactions/html.js';
import type { ClientDirectory } from './provider-clients.js';

/**
 * `response_mode=web_message` (OAuth 2.0 Web Message Response Mode; spa-js's silent authentication in a
 * hidden iframe and its popup login): the answer is posted with `postMessage` to the `redirect_uri`'s
 * origin. Auth0 serves it only when that origin is one of the client's Allowed Web Origins; any other
 * request is refused here with a 400 page, before a session is looked at, so no code is posted anywhere
 * else. oidc-provider renders the page (its `webMessageResponseMode` feature).
 */

function param(ctx: KoaContextWithOIDC, name: string): string | undefined {
  const body = (ctx.req as unknown as { body?: Record<string, unknown> }).body;
  const value = ctx.method === 'POST' ? body?.[name] : ctx.query[name];
  return typeof value === 'string' ? value : undefined;
}

function originOf(uri: string | undefined): string | undefined {
  try {
    return uri ? new URL(uri).origin : undefined;
  } catch {
    return undefined;
  }
}

export function createWebMessageGuard(authorizationPath: string, clients: ClientDirectory) {
  return async function webMessageOrigin(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.path !== authorizationPath || !(param(ctx, 'response_mode') ?? '').startsWith('web_message'))
      return next();
    const clientId = param(ctx, 'client_id') ?? '';
    const origin = originOf(param(ctx, 'redirect_uri'));
    if (origin && clients.allowsOrigin(clientId, origin)) return next();
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = renderErrorPage(
      'invalid_request',
      `The origin of redirect_uri (${origin ?? 'none'}) is not among the Allowed Web Origins of the application; response_mode=web_message is refused.`,
    );
  };
}
