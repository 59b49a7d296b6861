import type { RequestClass } from '../http/request-class.js';

/**
 * The route classes requests are counted by: a small fixed set, so the request counter's label values stay
 * bounded whatever path a client sends (a raw path as a label would let anyone grow the series without
 * limit).
 */
export const ROUTE_CLASSES = ['my_account', 'api', 'auth', 'health', 'metrics', 'web'] as const;
export type RouteClass = (typeof ROUTE_CLASSES)[number];

const BY_REQUEST_CLASS: Readonly<Record<RequestClass, RouteClass>> = {
  proxy: 'my_account',
  api: 'api',
  login: 'api',
  navigation: 'auth',
  auth: 'auth',
  health: 'health',
  metrics: 'metrics',
  asset: 'web',
};

/**
 * The metrics label of a request class (src/http/request-class.ts): the proxy's namespace `/api/me/*` is
 * `my_account`; other `/api/*` the BFF's JSON API (session, sessions, embedded login); `/auth/*` the
 * navigations; `/healthz` and `/readyz` the probes; everything else the account page and its assets (or a
 * 404).
 */
export function routeClassOf(requestClass: RequestClass): RouteClass {
  return BY_REQUEST_CLASS[requestClass];
}
