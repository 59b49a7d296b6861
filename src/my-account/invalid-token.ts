import { parseWwwAuthenticate } from '../step-up/www-authenticate.js';

/**
 * An upstream `401` saying the access token itself is not accepted (RFC 6750 §3.1 `invalid_token`, in the
 * Bearer or the DPoP scheme, RFC 9449 §7.1): revoked, or rejected before its `exp`. The BFF then refreshes
 * the session's tokens once and retries once (docs/architecture.md#token-refresh).
 */
export function isInvalidTokenAnswer(result: {
  readonly status: number;
  readonly wwwAuthenticate?: string;
}): boolean {
  if (result.status !== 401 || result.wwwAuthenticate === undefined) return false;
  return parseWwwAuthenticate(result.wwwAuthenticate).some(
    (c) => (c.scheme === 'bearer' || c.scheme === 'dpop') && c.params.error === 'invalid_token',
  );
}
