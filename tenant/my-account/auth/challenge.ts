import { ApiError } from '../http/api-error.js';

/** Signature algorithms accepted in DPoP proofs (RFC 9449 §5.1 `algs`): asymmetric only. */
export const DPOP_ALGS = ['ES256', 'ES384', 'ES512', 'RS256', 'PS256', 'EdDSA'];

export type AuthScheme = 'Bearer' | 'DPoP';

const quote = (value: string) => `"${value.replace(/["\\]/g, '')}"`;

/** An RFC 6750 §3 / RFC 9449 §7.1 challenge for one scheme. */
export function buildChallenge(
  scheme: AuthScheme,
  realm: string,
  params: Record<string, string> = {},
): string {
  const all: Record<string, string> = { realm, ...params };
  if (scheme === 'DPoP') all.algs = DPOP_ALGS.join(' ');
  return `${scheme} ${Object.entries(all)
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(', ')}`;
}

/**
 * 401 with `WWW-Authenticate`. No `error` when the request carried no credentials (RFC 6750 §3.1);
 * when both schemes are possible both challenges are offered.
 */
export function unauthorized(
  schemes: AuthScheme[],
  realm: string,
  error?: { code: string; description: string },
  extraHeaders: Record<string, string> = {},
): ApiError {
  const params: Record<string, string> = error
    ? { error: error.code, error_description: error.description }
    : {};
  const header = schemes.map((scheme) => buildChallenge(scheme, realm, params)).join(', ');
  return new ApiError(
    401,
    error?.code ?? 'unauthorized',
    error?.description ?? 'An access token is required',
    undefined,
    { 'www-authenticate': header, ...extraHeaders },
  );
}

/** 403 `insufficient_scope` (RFC 6750 §3.1) naming the scope the operation needs. */
export function insufficientScope(scheme: AuthScheme, realm: string, scope: string): ApiError {
  const description = `The access token lacks the scope ${scope}`;
  return new ApiError(403, 'insufficient_scope', description, undefined, {
    'www-authenticate': buildChallenge(scheme, realm, {
      error: 'insufficient_scope',
      error_description: description,
      scope,
    }),
  });
}
