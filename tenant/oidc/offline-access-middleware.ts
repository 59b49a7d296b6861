import { parse as parseQuery } from 'node:querystring';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { readBodyText } from '../http/read-body.js';

/**
 * Auth0 gives first-party clients a refresh token for `offline_access` without `prompt=consent` (it skips
 * consent for them). oidc-provider drops that scope unless consent is prompted (OIDC Core §11), so for
 * those clients the prompt is added here, before oidc-provider reads the request, and the consent step then
 * completes by itself (`interactions/consent.ts`). Not with `prompt=none` (silent requests get no new
 * refresh token). GET requests are rewritten in the query; POSTed ones (PAR, form-posted /authorize) are
 * read here and handed to oidc-provider already parsed (`req.body`, which it supports).
 */

const BODY_LIMIT = 56 * 1024;

function addConsentPrompt(params: URLSearchParams, isFirstParty: (clientId: string) => boolean): boolean {
  const scopes = (params.get('scope') ?? '').split(' ');
  const prompts = (params.get('prompt') ?? '').split(' ').filter(Boolean);
  if (!scopes.includes('offline_access') || !isFirstParty(params.get('client_id') ?? '')) return false;
  if (prompts.includes('none') || prompts.includes('consent')) return false;
  params.set('prompt', [...prompts, 'consent'].join(' '));
  return true;
}

export function createOfflineAccessMiddleware(
  paths: { authorization: string; par: string },
  isFirstParty: (clientId: string) => boolean,
) {
  return async function offlineAccessWithoutConsent(
    ctx: KoaContextWithOIDC,
    next: () => Promise<void>,
  ): Promise<void> {
    if (ctx.path !== paths.authorization && ctx.path !== paths.par) return next();
    if (ctx.method === 'GET') {
      const params = new URLSearchParams(ctx.querystring);
      if (addConsentPrompt(params, isFirstParty)) ctx.querystring = params.toString();
    } else if (ctx.method === 'POST' && ctx.is('application/x-www-form-urlencoded')) {
      const text = await readBodyText(ctx.req, BODY_LIMIT);
      if (text === undefined) {
        ctx.status = 413;
        ctx.body = { error: 'invalid_request', error_description: 'request body too large' };
        return;
      }
      const params = new URLSearchParams(text);
      addConsentPrompt(params, isFirstParty);
      (ctx.req as unknown as { body: unknown }).body = parseQuery(params.toString());
    }
    return next();
  };
}
