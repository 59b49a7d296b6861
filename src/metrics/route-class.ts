/**
 * The route classes requests are counted by: a small fixed set, so the request counter's label values stay
 * bounded whatever path a client sends (a raw path as a label would let anyone grow the series without
 * limit).
 */
export const ROUTE_CLASSES = ['my_account', 'api', 'auth', 'health', 'metrics', 'web'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

// Express routes case-insensitively and tolerates repeated slashes: classify the same way.
const API_OR_AUTH = /^\/+(?:(api\/+me\/+v1)\/|(api)(?:\/|$)|(auth)(?:\/|$))/i;

/**
 * `/api/me/v1/*` is the proxy; other `/api/*` the BFF's JSON API (session, sessions, embedded login,
 * connected accounts); `/auth/*` the navigations; `/healthz` and `/readyz` the probes; everything else the
 * account page and its assets (or a 404).
 */
export function routeClassOf(path: string): RouteClass {
  const match = API_OR_AUTH.exec(path);
  if (match) return match[1] ? 'my_account' : match[2] ? 'api' : 'auth';
  if (path === '/healthz' || path === '/readyz') return 'health';
  if (path === '/metrics') return 'metrics';
  return 'web';
}
