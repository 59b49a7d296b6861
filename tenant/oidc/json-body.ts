import type { KoaContextWithOIDC } from 'oidc-provider';
import { readBodyText } from '../http/read-body.js';

/**
 * Auth0 accepts `application/json` as well as form bodies at `/oauth/token` and `/oauth/revoke`, for every
 * grant (authentication-api-oas.json lists both media types); spa-js and auth-js send the passkey grant,
 * and spa-js every grant when `useFormData` is off, as JSON. oidc-provider reads only forms there, so a
 * JSON object is read here and handed over as the parsed form it would have read: strings as they are,
 * other values (the WebAuthn `authn_response` object) as their JSON text.
 */

const BODY_LIMIT = 56 * 1024;

function jsonError(ctx: KoaContextWithOIDC, status: number, description: string): void {
  ctx.status = status;
  ctx.set('cache-control', 'no-store');
  ctx.body = { error: 'invalid_request', error_description: description };
}

/** The form fields a JSON object stands for; undefined when the body is not a JSON object. */
export function jsonToFormFields(text: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (value === undefined || value === null) continue;
    fields[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return fields;
}

export function createJsonBodyMiddleware(paths: readonly string[]) {
  return async function jsonBody(ctx: KoaContextWithOIDC, next: () => Promise<void>): Promise<void> {
    if (ctx.method !== 'POST' || !paths.includes(ctx.path) || !ctx.is('application/json')) return next();
    const text = await readBodyText(ctx.req, BODY_LIMIT);
    if (text === undefined) return jsonError(ctx, 413, 'request body too large');
    const fields = jsonToFormFields(text);
    if (!fields) return jsonError(ctx, 400, 'the request body must be a JSON object');
    ctx.req.headers['content-type'] = 'application/x-www-form-urlencoded';
    (ctx.req as unknown as { body: unknown }).body = fields;
    return next();
  };
}
