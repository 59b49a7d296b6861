import type { NextFunction, Request, Response } from 'express';

/**
 * What a request is, decided once from its method and path (docs/architecture.md#the-request-pipeline) and
 * read by every layer that treats classes differently: `no-store`, the body parsers, the session
 * middleware, the CSRF rules, bearer callers, the error renderer and the request metrics.
 */
export type RequestClass =
  /** `GET /auth/login`, `/auth/callback`, `/auth/connect...`: browser navigations; errors render a page. */
  | 'navigation'
  /** Every other `/auth/*`: logout (form or script), back-channel logout; errors are JSON. */
  | 'auth'
  /** `/api/*`: the BFF's JSON API (session, sessions, ...). */
  | 'api'
  /** `/api/login/*`: embedded login, which needs the CSRF header even without a session (CSRF-6). */
  | 'login'
  /** `/api/me/*`: the My Account proxy's namespace (it serves `/api/me/v1/*`): raw bodies, bearer callers. */
  | 'proxy'
  /** `/healthz`, `/readyz`. */
  | 'health'
  /** `/metrics` (when served on the public port). */
  | 'metrics'
  /** Everything else: the account page and its assets, or a 404. */
  | 'asset';

const NAVIGATIONS = /^\/auth\/(?:login|callback|connect)(?:\/|$)/;
const PREFIXES: readonly [RegExp, RequestClass][] = [
  [/^\/api\/me(?:\/|$)/, 'proxy'],
  [/^\/api\/login(?:\/|$)/, 'login'],
  [/^\/api(?:\/|$)/, 'api'],
  [/^\/auth(?:\/|$)/, 'auth'],
];
const EXACT: Readonly<Record<string, RequestClass>> = {
  '/healthz': 'health',
  '/readyz': 'health',
  '/metrics': 'metrics',
};

/**
 * Express routes case-insensitively and tolerates repeated slashes (`//API//me/v1/x` reaches the proxy), so
 * the path is judged lower-cased with repeated slashes collapsed. Nothing is percent-decoded: `%2e%2e` or
 * `%2F` never changes the class. Prefixes end at a segment boundary (`/apiary` is an asset).
 */
export function classifyRequest(method: string, path: string): RequestClass {
  const normal = path.toLowerCase().replace(/\/{2,}/g, '/');
  if (EXACT[normal] !== undefined) return EXACT[normal];
  if (method === 'GET' && NAVIGATIONS.test(normal)) return 'navigation';
  for (const [prefix, found] of PREFIXES) if (prefix.test(normal)) return found;
  return 'asset';
}

/** The classes under `/api/*`: JSON calls, the CSRF rules apply (docs/security.md#csrf). */
export const isApiClass = (c: RequestClass): boolean => c === 'api' || c === 'login' || c === 'proxy';

/** The classes under `/auth/*` and `/api/*`: they may use the session and are never stored by a cache. */
export const isSessionClass = (c: RequestClass): boolean =>
  isApiClass(c) || c === 'navigation' || c === 'auth';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by `classifyRequests()`, the first middleware. */
    requestClass?: RequestClass;
  }
}

/**
 * The class of a request: the one `classifyRequests()` stashed, or, for a request Express never saw (the
 * proxy's hot path), the same function over its method and path.
 */
export function requestClassOf(req: {
  readonly method: string;
  readonly path: string;
  readonly requestClass?: RequestClass;
}): RequestClass {
  return req.requestClass ?? classifyRequest(req.method, req.path);
}

/** The first Express middleware: classifies the request once and stashes the class on it. */
export function classifyRequests() {
  return (req: Request, _res: Response, next: NextFunction) => {
    req.requestClass = classifyRequest(req.method, req.path);
    next();
  };
}
