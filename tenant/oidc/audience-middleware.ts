import { parse as parseQuery } from 'node:querystring';
import type { KoaContextWithOIDC } from 'oidc-provider';

/**
 * Auth0 request parameters mapped onto oidc-provider's:
 * - `audience` (Auth0) becomes the RFC 8707 `resource` indicator at /authorize, /oauth/par and /oauth/token.
 * - `offline_access` gives first-party clients a refresh token without `prompt=consent` (Auth0 skips consent
 *   for them); oidc-provider drops that scope unless consent is prompted (OIDC Core §11), so the prompt is
 *   added here and the consent step then completes by itself (`interactions/consent.ts`).
 */

const BODY_LIMIT = 56 * 1024;

export interface AudienceRoutes {
  authorization: string;
  par: string;
  token: string;
}

function mapParams(params: URLSearchParams, isAuthorization: boolean, isFirstParty: (clientId: string) => boolean): void {
  const audience = params.get('audience');
  if (audience && !params.has('resource')) params.set('resource', audience);
  if (!isAuthorization) return;
  const scopes = (params.get('scope') ?? '').split(' ');
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  const clientId = params.get('client_id') ?? '';
  if (scopes.includes('offline_access') && isFirstParty(clientId) && !prompts.includes('none') && !prompts.includes('consent')) {
    params.set('prompt', [...prompts, 'consent'].join(' '));
  }
}

async function readBody(ctx: KoaContextWithOIDC): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function createAudienceMiddleware(routes: AudienceRoutes, isFirstParty: (clientId: string) => boolean) {
  return async function audienceToResource(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    const isAuthorization = ctx.path === routes.authorization || ctx.path === routes.par;
    if (!isAuthorization && ctx.path !== routes.token) return next();
    if (ctx.method === 'GET' && ctx.path === routes.authorization) {
      const params = new URLSearchParams(ctx.querystring);
      mapParams(params, true, isFirstParty);
      ctx.querystring = params.toString();
    } else if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
      const text = await readBody(ctx);
      if (text === undefined) {
        ctx.status = 413;
        ctx.body = { error: 'invalid_request', error_description: 'request body too large' };
        return;
      }
      const params = new URLSearchParams(text);
      mapParams(params, isAuthorization, isFirstParty);
      // oidc-provider reads an already-consumed body from `req.body` (selective_body.js).
      (ctx.req as unknown as { body: unknown }).body = parseQuery(params.toString());
    }
    return next();
  };
}
