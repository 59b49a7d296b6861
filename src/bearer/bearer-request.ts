import type { IncomingHttpHeaders } from 'node:http';
import { hasCookie } from '../csrf/csrf.guard.js';
import { requestClassOf, type RequestClass } from '../http/request-class.js';
import { BearerTokenMissing, InvalidBearerToken } from './bearer-errors.js';

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export interface BearerCandidate {
  readonly method: string;
  readonly path: string;
  /** Stashed by `classifyRequests()` (src/http/request-class.ts). */
  readonly requestClass?: RequestClass;
  readonly headers: IncomingHttpHeaders;
}

/**
 * Bearer callers (docs/architecture.md#bearer-callers): only proxy requests (class `proxy`) without the
 * session cookie that carry an `Authorization` header are judged. With the cookie, the cookie wins and the
 * header is ignored (the proxy never forwards it).
 */
export function isBearerCandidate(req: BearerCandidate, sessionCookieName: string): boolean {
  if (requestClassOf(req) !== 'proxy') return false;
  if (hasCookie(req.headers.cookie, sessionCookieName)) return false;
  return (req.headers.authorization ?? '').trim() !== '';
}

/**
 * The token of `Authorization: Bearer <token>`. A `DPoP` token is refused: its proofs must be signed by
 * the caller's key, which the BFF does not hold, so it could not forward the token (RFC 9449 §7.1).
 */
export function readBearerToken(authorization: string | undefined): string {
  const match = /^(\S+)[ ]+(\S+)$/.exec((authorization ?? '').trim());
  const scheme = match?.[1].toLowerCase();
  if (scheme === 'dpop')
    throw new InvalidBearerToken(
      'DPoP-bound tokens cannot be used here: the BFF cannot prove possession of your key. Send a Bearer token.',
    );
  if (scheme !== 'bearer' || !match) throw new BearerTokenMissing();
  if (!B64TOKEN.test(match[2])) throw new InvalidBearerToken('The access token is malformed.');
  return match[2];
}
