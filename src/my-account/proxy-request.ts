import type { Request } from 'express';
import { RouteNotFound } from './gateway-error.js';
import type { RouteRequest } from './match-route.js';

/**
 * Express routes case-insensitively and tolerates repeated slashes (`//API/me/v1/...` reaches the proxy):
 * strip the public prefix the same way, so what follows is exactly what the route matcher judges.
 */
const PUBLIC_PREFIX = /^\/+api\/+me\/+v1(?=\/|$)/i;

/**
 * The request as the route matcher takes it, from the raw URL (`originalUrl`: still percent-encoded, so
 * `%2F`, `%2e%2e` and double encoding reach the matcher's checks instead of being decoded by Express).
 */
export function toRouteRequest(req: Pick<Request, 'method' | 'originalUrl'>): RouteRequest {
  const raw = req.originalUrl;
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const prefix = PUBLIC_PREFIX.exec(pathname);
  if (!prefix) throw new RouteNotFound();
  return { method: req.method, path: pathname.slice(prefix[0].length), query: q < 0 ? '' : raw.slice(q + 1) };
}

/**
 * Where the browser comes back after a login the proxy asks for (`login_url`): the page that made the
 * call when the Referer is one of ours, else `/`. `normalizeReturnTo` still judges the result (BCP-6).
 */
export function returnToFromReferer(referer: string | undefined, publicOrigin: string): string {
  if (!referer) return '/';
  try {
    const url = new URL(referer);
    return url.origin === publicOrigin ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** `64kb` (config `server.bodyLimit`, already validated as `<n>(b|kb|mb)`) in bytes. */
export function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)$/.exec(value);
  if (!match) throw new Error(`Not a byte size: ${value}`);
  return Number(match[1]) * UNITS[match[2]];
}
