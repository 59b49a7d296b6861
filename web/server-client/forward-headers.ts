import type { IncomingHttpHeaders } from 'node:http';
import { readCookieHeader } from '../../src/http/cookie-header.js';

/** What a server-side call needs to know besides the browser's request. */
export interface ForwardPolicy {
  /** The BFF's session cookie name (`session.cookieName`, default `__Host-bff`). */
  readonly cookieName: string;
  /** The BFF's public origin (`PUBLIC_ORIGIN`): the `Origin` of a write when the browser sent none. */
  readonly publicOrigin: string;
}

export interface ForwardCall {
  readonly method: string;
  /** The session's CSRF token as the page's form presented it (writes only; never looked up here). */
  readonly csrfToken?: string;
  readonly hasBody: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** Headers of the browser worth passing on: the BFF records the user agent; errors may be localised. */
const PASSED_ON = ['user-agent', 'accept-language'] as const;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * The headers of one call to the BFF on behalf of the browser's request (docs/server-side-callers.md):
 * only the session cookie (no other cookie of this site), `X-CSRF: 1` on every call, and on writes the
 * browser's `Origin` (the public origin when it sent none) plus the CSRF token the page's form carried in
 * `X-CSRF-Token`. Never `Sec-Fetch-*` (the browser's fetch metadata describes its request to this server,
 * not this call) and never `Authorization`: the cookie is the only credential, per request.
 */
export function buildForwardHeaders(
  incoming: IncomingHttpHeaders,
  call: ForwardCall,
  policy: ForwardPolicy,
): Record<string, string> {
  const headers: Record<string, string> = { 'x-csrf': '1', accept: 'application/json' };
  const session = readCookieHeader(single(incoming.cookie), policy.cookieName);
  if (session) headers.cookie = `${policy.cookieName}=${session}`;
  for (const name of PASSED_ON) {
    const value = single(incoming[name]);
    if (value) headers[name] = value;
  }
  if (call.hasBody) headers['content-type'] = 'application/json';
  if (!SAFE_METHODS.has(call.method.toUpperCase())) {
    headers.origin = single(incoming.origin) ?? new URL(policy.publicOrigin).origin;
    if (call.csrfToken) headers['x-csrf-token'] = call.csrfToken;
  }
  return headers;
}
