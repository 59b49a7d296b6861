import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TenantConfig } from '../config/tenant-config.schema.js';

/**
 * Cross-origin access to the tenant from browser applications (docs/tenant.md "CORS"): an origin is
 * allowed when it is one of a client's Allowed Web Origins (`web_origins`). Auth0 answers preflights for
 * those origins only, never allows credentials (every call carries its token or client_id, not cookies),
 * and lists per endpoint the methods and request headers its SDKs use. One table, used for the preflight
 * of every path and for the actual answers of the endpoints served beside oidc-provider (oidc-provider
 * adds its own `Access-Control-Allow-Origin` to actual token, revocation and userinfo answers, checked
 * per client through `clientBasedCORS`).
 */

interface CorsRoute {
  /** Path prefix (or exact path when it does not end with "/"). */
  readonly path: string;
  readonly methods: readonly string[];
  readonly headers: readonly string[];
  /** Response headers scripts may read (DPoP nonces, challenges, rate limits). */
  readonly expose: readonly string[];
}

const SDK_HEADERS = ['Authorization', 'Content-Type', 'DPoP', 'Auth0-Client'];
const TOKEN_EXPOSE = ['DPoP-Nonce', 'WWW-Authenticate'];
const RATE_LIMIT_EXPOSE = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset', 'Retry-After'];

const ROUTES: readonly CorsRoute[] = [
  {
    path: '/me/v1/',
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    headers: SDK_HEADERS,
    expose: [...TOKEN_EXPOSE, 'Location', ...RATE_LIMIT_EXPOSE],
  },
  { path: '/oauth/token', methods: ['POST'], headers: SDK_HEADERS, expose: TOKEN_EXPOSE },
  { path: '/oauth/revoke', methods: ['POST'], headers: SDK_HEADERS, expose: [] },
  { path: '/userinfo', methods: ['GET', 'POST'], headers: SDK_HEADERS, expose: TOKEN_EXPOSE },
  // Signup (`/passkey/register`) is rate limited per IP.
  { path: '/passkey/', methods: ['POST'], headers: SDK_HEADERS, expose: RATE_LIMIT_EXPOSE },
  { path: '/mfa/', methods: ['GET', 'POST', 'DELETE'], headers: SDK_HEADERS, expose: [] },
  { path: '/dbconnections/', methods: ['POST'], headers: SDK_HEADERS, expose: RATE_LIMIT_EXPOSE },
  { path: '/passwordless/start', methods: ['POST'], headers: SDK_HEADERS, expose: RATE_LIMIT_EXPOSE },
  { path: '/.well-known/', methods: ['GET'], headers: [], expose: [] },
];

const MAX_AGE_SECONDS = 600;

export class CorsPolicy {
  private readonly origins: ReadonlySet<string>;

  constructor(config: TenantConfig) {
    this.origins = new Set(config.clients.flatMap((c) => c.web_origins.map((o) => new URL(o).origin)));
  }

  /** True when some client lists this origin among its Allowed Web Origins. */
  isAllowedOrigin(origin: string | undefined): origin is string {
    return origin !== undefined && this.origins.has(origin);
  }

  private routeFor(path: string): CorsRoute | undefined {
    return ROUTES.find((r) => (r.path.endsWith('/') ? path.startsWith(r.path) : path === r.path));
  }

  /**
   * Answers a CORS preflight (OPTIONS with Access-Control-Request-Method) for any path: 204, with the
   * allow headers only for an allowed origin, a method the route accepts and headers it knows. Returns
   * false for requests that are not preflights.
   */
  handlePreflight(req: IncomingMessage, res: ServerResponse): boolean {
    const method = req.headers['access-control-request-method'];
    if (req.method !== 'OPTIONS' || typeof method !== 'string') return false;
    const route = this.routeFor(pathOf(req));
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    const requested = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const knownHeaders = new Set(route?.headers.map((h) => h.toLowerCase()));
    if (
      route &&
      this.isAllowedOrigin(origin) &&
      route.methods.includes(method.toUpperCase()) &&
      requested.every((h) => knownHeaders.has(h))
    ) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-methods', route.methods.join(', '));
      if (route.headers.length) res.setHeader('access-control-allow-headers', route.headers.join(', '));
      res.setHeader('access-control-max-age', String(MAX_AGE_SECONDS));
    }
    res.statusCode = 204;
    res.end();
    return true;
  }

  /** Adds the CORS headers of an actual (non-preflight) answer from an allowed origin. */
  decorate(req: IncomingMessage, res: ServerResponse): void {
    const route = this.routeFor(pathOf(req));
    const origin = req.headers.origin;
    res.setHeader('vary', 'Origin');
    if (!route || !this.isAllowedOrigin(origin)) return;
    res.setHeader('access-control-allow-origin', origin);
    if (route.expose.length) res.setHeader('access-control-expose-headers', route.expose.join(', '));
  }
}

function pathOf(req: IncomingMessage): string {
  return (req.url ?? '/').split('?')[0];
}
