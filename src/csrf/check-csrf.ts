import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isApiClass, type RequestClass } from '../http/request-class.js';

export interface CsrfRequest {
  readonly method: string;
  /** The request's class (src/http/request-class.ts): only the API classes are judged. */
  readonly requestClass: RequestClass;
  /** Lower-case header names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The request carries the session cookie (valid or not: it is the ambient credential that matters). */
  readonly hasSessionCookie: boolean;
  /** The request carries `Authorization: Bearer ...` (a server-rendered caller). */
  readonly isBearerCaller: boolean;
  /** The BFF's configured public origin, e.g. `https://app.example.com` (never derived from Host: CSRF-2). */
  readonly publicOrigin: string;
  /**
   * The CSRF token of the session the cookie names (`csrf_token` of `GET /api/session`); `undefined` when
   * the cookie names no live session. Only compared when a write must present it (CSRF-8).
   */
  readonly sessionCsrfToken: string | undefined;
}

/** Which check refused the request. */
export type CsrfCheck = 'header' | 'origin' | 'token' | 'content-type';

export type CsrfVerdict =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly status: 403;
      readonly code: 'csrf_failed';
      readonly check: Exclude<CsrfCheck, 'content-type'>;
      readonly detail: string;
    }
  | {
      readonly ok: false;
      readonly status: 415;
      readonly code: 'unsupported_media_type';
      readonly check: 'content-type';
      readonly detail: string;
    };

/** The header a write presents the session's CSRF token in (CSRF-8). */
export const CSRF_TOKEN_HEADER = 'x-csrf-token';

const OK: CsrfVerdict = { ok: true };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const forbidden = (check: Exclude<CsrfCheck, 'content-type'>, detail: string): CsrfVerdict => ({
  ok: false,
  status: 403,
  code: 'csrf_failed',
  check,
  detail,
});
const unsupported = (detail: string): CsrfVerdict => ({
  ok: false,
  status: 415,
  code: 'unsupported_media_type',
  check: 'content-type',
  detail,
});

/** The request announces a body (a length above 0, or chunked). */
export function hasBody(headers: IncomingHttpHeaders): boolean {
  const length = headers['content-length'];
  return headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** `application/json`, optionally with `charset=utf-8` (RFC 8259 §8.1: JSON is UTF-8). */
export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return params.every((param) => !param.startsWith('charset=') || /^charset="?utf-8"?$/.test(param));
}

/**
 * Nothing the browser says about where the request comes from points elsewhere (CSRF-2, CSRF-3):
 * `Sec-Fetch-Site`, when sent, is `same-origin`; `Origin`, when sent, is exactly the public origin.
 */
function checkNotCrossSite(headers: IncomingHttpHeaders, publicOrigin: string): CsrfVerdict {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  if (site !== undefined && site !== 'same-origin')
    return forbidden('origin', 'The request does not come from this site (Sec-Fetch-Site)');
  if (origin !== undefined && origin !== publicOrigin)
    return forbidden('origin', 'The request does not come from this site (Origin)');
  return OK;
}

/** State-changing API requests must come from the public origin, and say so (CSRF-2, CSRF-3). */
function checkOrigin(headers: IncomingHttpHeaders, publicOrigin: string): CsrfVerdict {
  const notCrossSite = checkNotCrossSite(headers, publicOrigin);
  if (!notCrossSite.ok) return notCrossSite;
  if (headers['sec-fetch-site'] === undefined && headers.origin === undefined)
    return forbidden('origin', 'A state-changing request needs an Origin header');
  return OK;
}

/**
 * True when `presented` is the session's CSRF token. Compared as SHA-256 digests with `timingSafeEqual`:
 * constant time, and the length of the token leaks nothing either.
 */
export function isSessionCsrfToken(presented: unknown, expected: string | undefined): boolean {
  if (typeof presented !== 'string' || presented === '' || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * CSRF-8: a cookie-carrying write that a browser did not label with `Sec-Fetch-Site` (a server-side caller
 * forwarding the cookie, or a browser without Fetch Metadata) must present the session's CSRF token in
 * `X-CSRF-Token`: `X-CSRF` and `Origin` are headers any server can set for any user, the token is known only
 * to pages rendered for this session. A token that is presented is always checked, fetch metadata or not.
 */
export function checkSessionToken(
  headers: IncomingHttpHeaders,
  sessionCsrfToken: string | undefined,
): CsrfVerdict {
  const presented = headers[CSRF_TOKEN_HEADER];
  if (presented === undefined && headers['sec-fetch-site'] !== undefined) return OK;
  if (presented === undefined)
    return forbidden(
      'token',
      "A write without Sec-Fetch-Site needs the session's CSRF token in X-CSRF-Token",
    );
  if (!isSessionCsrfToken(presented, sessionCsrfToken))
    return forbidden('token', "The X-CSRF-Token header is not this session's CSRF token");
  return OK;
}

/**
 * The CSRF rules (docs/security.md) as one pure function. Under `/api/*`: a request with the session
 * cookie, and every embedded-login request, must carry `X-CSRF: 1` (a custom header forces a CORS preflight
 * the BFF never grants: CSRF-1, BCP-17); its state-changing requests must also come from the public origin
 * (CSRF-2, CSRF-3); a state-changing request with the cookie and without `Sec-Fetch-Site` must also present
 * the session's CSRF token (CSRF-8, docs/server-side-callers.md); any body must be `application/json`
 * (CSRF-4). Bearer callers without the cookie carry no ambient credential and skip the header, origin and
 * token checks. Requests outside the API classes (`/api/*`) are navigations and the like: not judged here;
 * embedded login (class `login`) needs the header even without a session.
 */
export function checkCsrf(request: CsrfRequest): CsrfVerdict {
  if (!isApiClass(request.requestClass)) return OK;
  const { headers } = request;
  const bearerOnly = request.isBearerCaller && !request.hasSessionCookie;
  if (!bearerOnly && (request.hasSessionCookie || request.requestClass === 'login')) {
    if (headers['x-csrf'] !== '1') return forbidden('header', 'The X-CSRF: 1 header is required');
    if (!SAFE_METHODS.has(request.method)) {
      const origin = checkOrigin(headers, new URL(request.publicOrigin).origin);
      if (!origin.ok) return origin;
      if (request.hasSessionCookie) {
        const token = checkSessionToken(headers, request.sessionCsrfToken);
        if (!token.ok) return token;
      }
    }
  }
  if (hasBody(headers) && !isJsonContentType(headers['content-type'])) {
    return unsupported('The request body must be application/json');
  }
  return OK;
}

/** What the logout rule judges: a `POST /auth/logout` that names a live session. */
export interface LogoutCsrfRequest {
  /** Lower-case header names, as Node gives them. */
  readonly headers: IncomingHttpHeaders;
  /** The BFF's configured public origin (never derived from Host: CSRF-2). */
  readonly publicOrigin: string;
  /** The form's `csrf` field, when the logout is a form post. */
  readonly formToken: unknown;
  /** The session's CSRF token. */
  readonly sessionCsrfToken: string;
}

/**
 * The CSRF rule of logout with a session (docs/security.md#csrf): `/auth/logout` is a form post or a script
 * call, not an API request, so `checkCsrf` leaves it alone. It must not come from another site (the same
 * Origin / Sec-Fetch-Site rule as the API, CSRF-2 and CSRF-3, without requiring either header: a plain form
 * post may send neither) and must show it comes from our pages: `X-CSRF: 1` (a script, CSRF-1) or the
 * session's CSRF token in the form field `csrf`.
 */
export function checkLogoutCsrf(request: LogoutCsrfRequest): CsrfVerdict {
  const { headers } = request;
  const notCrossSite = checkNotCrossSite(headers, new URL(request.publicOrigin).origin);
  if (!notCrossSite.ok) return notCrossSite;
  if (headers['x-csrf'] === '1') return OK;
  if (!isSessionCsrfToken(request.formToken, request.sessionCsrfToken))
    return forbidden('token', 'The form token is missing or wrong.');
  return OK;
}
