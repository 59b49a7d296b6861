import { GatewayError, InvalidPath, MethodNotAllowed, RouteNotFound } from './gateway-error.js';
import { decodePathSegments } from './path-segments.js';
import { sanitizeQuery } from './query-params.js';
import { MY_ACCOUNT_ROUTES, type MyAccountRoute } from './route-table.js';

/** What the gateway forwards for one request it accepted. */
export interface RouteMatch {
  readonly route: MyAccountRoute;
  /** Path parameters, decoded once (`totp|dev_1`). */
  readonly params: Readonly<Record<string, string>>;
  /** The path to call relative to the upstream base (`/authentication-methods/totp%7Cdev_1`). */
  readonly upstreamPath: string;
  /** The declared query parameters only, re-encoded, without `?` ('' when none). */
  readonly query: string;
}

export interface RouteRequest {
  readonly method: string;
  /** The raw path after `/api/me/v1`, still percent-encoded, without the query. */
  readonly path: string;
  /** The raw query string (with or without `?`). */
  readonly query?: string;
}

export type RouteMatchResult = { ok: true; match: RouteMatch } | { ok: false; error: GatewayError };

function fitsTemplate(route: MyAccountRoute, segments: readonly string[]): boolean {
  if (route.segments.length !== segments.length) return false;
  return route.segments.every((part, i) => !('literal' in part) || part.literal === segments[i]);
}

function bindParams(route: MyAccountRoute, segments: readonly string[]): Record<string, string> {
  const params: Record<string, string> = {};
  route.segments.forEach((part, i) => {
    if ('literal' in part) return;
    if (part.regex && !part.regex.test(segments[i])) {
      throw new InvalidPath(`The path parameter ${part.param.name} must match ${part.param.pattern}`);
    }
    params[part.param.name] = segments[i];
  });
  return params;
}

// Each value is encoded once from its decoded form: `|` leaves as `%7C`, never `%257C`.
const buildUpstreamPath = (route: MyAccountRoute, segments: readonly string[]): string =>
  route.segments
    .map((part, i) => ('literal' in part ? part.literal : encodeURIComponent(segments[i])))
    .join('/');

/**
 * Matches a request against the route table (docs/architecture.md#the-my-account-proxy). Throws:
 * `InvalidPath` (400) for a hostile or malformed path, query or parameter; `RouteNotFound` (404) for a path
 * that is no operation; `MethodNotAllowed` (405, with `Allow`) for a known path with another method.
 */
export function matchRoute(
  request: RouteRequest,
  routes: readonly MyAccountRoute[] = MY_ACCOUNT_ROUTES,
): RouteMatch {
  const segments = decodePathSegments(request.path);
  const candidates = routes.filter((route) => fitsTemplate(route, segments));
  if (candidates.length === 0) throw new RouteNotFound();
  const route = candidates.find((candidate) => candidate.method === request.method);
  if (!route) throw new MethodNotAllowed([...new Set(candidates.map((candidate) => candidate.method))]);
  const params = bindParams(route, segments);
  return {
    route,
    params,
    upstreamPath: `/${buildUpstreamPath(route, segments)}`,
    query: sanitizeQuery(request.query, route.queryParams),
  };
}

/** `matchRoute` as a result instead of an exception. */
export function tryMatchRoute(request: RouteRequest, routes?: readonly MyAccountRoute[]): RouteMatchResult {
  try {
    return { ok: true, match: matchRoute(request, routes) };
  } catch (error) {
    if (error instanceof GatewayError) return { ok: false, error };
    throw error;
  }
}
