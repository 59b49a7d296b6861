import type { IncomingHttpHeaders } from 'node:http';
import { decodePathSegments } from './path-segments.js';

/** Where the BFF serves the My Account API to browsers (docs/architecture.md#the-http-surface). */
export const PUBLIC_BASE_PATH = '/api/me/v1';

/**
 * Request headers the gateway forwards (docs/architecture.md#the-my-account-proxy). Never `cookie`,
 * `authorization`, `dpop` (the BFF sets its own credentials: BCP-20, DP-14), `host`,
 * `x-forwarded-*`/`forwarded` (BCP-21), nor anything else.
 */
export const FORWARDED_REQUEST_HEADERS = [
  'content-type',
  'accept',
  'accept-language',
  'user-agent',
  'x-request-id',
];

/** Response headers returned to the browser, besides `x-ratelimit-*`. Never `set-cookie` (BCP-20), `dpop-nonce`
 * (the BFF owns DPoP) or `www-authenticate` (challenges are translated,
 * docs/architecture.md#the-my-account-proxy). */
export const RETURNED_RESPONSE_HEADERS = ['content-type', 'location', 'retry-after'];
const RATE_LIMIT_PREFIX = 'x-ratelimit-';

const MAX_HEADER_VALUE = 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

type HeaderBag = IncomingHttpHeaders | Readonly<Record<string, string | string[] | number | undefined>>;

/** A single visible-ASCII/space/tab value of sane length; repeated or odd values are dropped, not merged. */
function singleValue(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined || Array.isArray(value)) return undefined;
  const text = String(value);
  if (text.length === 0 || text.length > MAX_HEADER_VALUE || !/^[\t\x20-\x7e]*$/.test(text)) return undefined;
  return text;
}

function lowerCased(headers: HeaderBag): Map<string, string | string[] | number | undefined> {
  return new Map(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/**
 * The browser's headers the upstream may see (allow-list; `x-request-id` only in a safe token form). Names
 * in any case; `requestId` (the BFF's id of the request) replaces the browser's `x-request-id`.
 */
export function buildForwardedRequestHeaders(
  incoming: HeaderBag,
  requestId?: string,
): Record<string, string> {
  return pickForwarded(lowerCased(incoming), requestId);
}

/** The same for Node's own header object, whose names are already lower case (no copy made). */
export function forwardedFromNode(incoming: IncomingHttpHeaders, requestId?: string): Record<string, string> {
  return pickForwarded(incoming, requestId);
}

type HeaderValue = string | string[] | number | undefined;

function pickForwarded(
  headers: Map<string, HeaderValue> | IncomingHttpHeaders,
  requestId: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of FORWARDED_REQUEST_HEADERS) {
    const given = headers instanceof Map ? headers.get(name) : headers[name];
    const value = singleValue(name === 'x-request-id' && requestId !== undefined ? requestId : given);
    if (value === undefined || (name === 'x-request-id' && !REQUEST_ID.test(value))) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Rewrites an upstream `Location` (absolute, as Auth0 sends it, or relative) into the BFF's own path:
 * `https://tenant/me/v1/authentication-methods/passkey%7Cnew` → `/api/me/v1/authentication-methods/passkey%7Cnew`.
 * A Location outside the upstream base (another origin, another path, or one the route matcher would refuse)
 * yields undefined: the header is dropped rather than sending the browser somewhere unchecked.
 */
export function rewriteLocation(
  location: string,
  upstreamBaseUrl: string,
  publicBasePath = PUBLIC_BASE_PATH,
): string | undefined {
  const base = new URL(upstreamBaseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  let target: URL;
  try {
    target = new URL(location, `${base.origin}${basePath}/`);
  } catch {
    return undefined;
  }
  if (target.origin !== base.origin || !target.pathname.startsWith(`${basePath}/`)) return undefined;
  const rest = target.pathname.slice(basePath.length);
  try {
    decodePathSegments(rest);
  } catch {
    return undefined;
  }
  return `${publicBasePath}${rest}${target.search}`;
}

/** The upstream's response headers the browser may see (allow-list, `Location` rewritten). */
export function buildReturnedResponseHeaders(
  upstream: HeaderBag,
  upstreamBaseUrl: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  // Names in any case; no copy of the bag (a proxied read passes here once per answer).
  for (const key in upstream) {
    const name = key.toLowerCase();
    if (!RETURNED_RESPONSE_HEADERS.includes(name) && !name.startsWith(RATE_LIMIT_PREFIX)) continue;
    const value = singleValue((upstream as Record<string, HeaderValue>)[key]);
    if (value === undefined) continue;
    if (name !== 'location') out[name] = value;
    else {
      const rewritten = rewriteLocation(value, upstreamBaseUrl);
      if (rewritten !== undefined) out.location = rewritten;
    }
  }
  return out;
}
