import type { OidcConfig, StepUpConfig } from '../config/config.schema.js';
import { BffError } from '../http/bff-error.js';
import { normalizeReturnTo } from '../http/return-to.js';

/** What `/auth/login` may ask of the tenant, after vetting (the browser never picks beyond config). */
export interface LoginParams {
  returnTo: string;
  scope: string;
  prompt?: string;
  loginHint?: string;
  screenHint?: string;
  acrValues?: string;
  maxAge?: number;
}

/** 400 page for a login request asking for something the configuration does not allow. */
export class InvalidLoginRequest extends BffError {
  constructor(detail: string) {
    super({ status: 400, code: 'invalid_request', title: 'Invalid sign-in request', detail, html: true });
  }
}

const SCREEN_HINTS = new Set(['login', 'signup']);
const MAX_AGE_LIMIT = 31_536_000;

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new InvalidLoginRequest(`${name} must be given once.`);
  return value;
}

function vetScope(requested: string | undefined, oidc: OidcConfig): string {
  const scopes = [...oidc.scopes];
  for (const scope of (requested ?? '').split(' ').filter(Boolean)) {
    if (scopes.includes(scope)) continue;
    if (!oidc.allowedExtraScopes.includes(scope))
      throw new InvalidLoginRequest(`The scope "${scope}" cannot be requested.`);
    scopes.push(scope);
  }
  return scopes.join(' ');
}

function vetMaxAge(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > MAX_AGE_LIMIT)
    throw new InvalidLoginRequest('max_age must be a number of seconds.');
  return Number(raw);
}

/** `GET /auth/login` query → parameters; every value is checked against an allow-list or a shape. */
export function parseLoginQuery(
  query: Record<string, unknown>,
  oidc: OidcConfig,
  stepUp: StepUpConfig,
): LoginParams {
  const prompt = single(query, 'prompt');
  if (prompt !== undefined && !oidc.allowedPrompts.includes(prompt as never))
    throw new InvalidLoginRequest(`prompt "${prompt}" is not allowed.`);
  const acrValues = single(query, 'acr_values');
  if (acrValues !== undefined && acrValues !== stepUp.acrValues)
    throw new InvalidLoginRequest('acr_values is not an allowed policy.');
  const screenHint = single(query, 'screen_hint');
  if (screenHint !== undefined && !SCREEN_HINTS.has(screenHint))
    throw new InvalidLoginRequest('screen_hint must be login or signup.');
  const loginHint = single(query, 'login_hint');
  // eslint-disable-next-line no-control-regex
  if (loginHint !== undefined && (loginHint.length > 256 || /[\u0000-\u001f\u007f]/.test(loginHint))) {
    throw new InvalidLoginRequest('login_hint is not acceptable.');
  }
  const returnTo = query.returnTo;
  return {
    returnTo: normalizeReturnTo(returnTo),
    scope: vetScope(single(query, 'scope'), oidc),
    prompt,
    loginHint,
    screenHint,
    acrValues,
    maxAge: vetMaxAge(single(query, 'max_age')),
  };
}
