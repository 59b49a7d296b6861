import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import { STORE_FAILURE } from '../session/session.middleware.js';
import { readCookieHeader } from '../http/cookie-header.js';
import { requestClassOf, type RequestClass } from '../http/request-class.js';
import { checkCsrf, type CsrfRequest } from './check-csrf.js';
import { CsrfFailed, UnsupportedMediaType } from './csrf-errors.js';

/** What the guard needs from configuration (provided by the app module). */
export interface CsrfOptions {
  /** `PUBLIC_ORIGIN`, e.g. `https://app.example.com`. */
  readonly publicOrigin: string;
  /** The session cookie's name, e.g. `__Host-bff`. */
  readonly sessionCookieName: string;
  /** `Retry-After` of the 503 when the session store failed before a token could be compared. */
  readonly storeRetryAfterSeconds: number;
}

export const CSRF_OPTIONS = 'CSRF_OPTIONS';

export function csrfOptionsFromConfig(
  server: { readonly publicOrigin: string },
  session: { readonly cookieName: string; readonly retryAfterSeconds: number },
): CsrfOptions {
  return {
    publicOrigin: server.publicOrigin,
    sessionCookieName: session.cookieName,
    storeRetryAfterSeconds: session.retryAfterSeconds,
  };
}

/** True when the Cookie header holds a non-empty cookie of that name. */
export function hasCookie(header: string | undefined, name: string): boolean {
  return !!readCookieHeader(header, name);
}

interface HttpRequest {
  readonly method: string;
  /** The path without the query, still percent-encoded. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Stashed by `classifyRequests()`; absent on the proxy's hot path (classified from method and path). */
  readonly requestClass?: RequestClass;
  /** Loaded by the session middleware for `/auth/*` and `/api/*`, before any guard runs. */
  readonly session?: { readonly csrfToken?: string };
  readonly [STORE_FAILURE]?: unknown;
}

/** What `checkCsrf` judges of a request: the one place its inputs are read from the request. */
export function csrfRequestOf(
  req: HttpRequest,
  options: Pick<CsrfOptions, 'publicOrigin' | 'sessionCookieName'>,
  sessionCsrfToken: string | undefined = req.session?.csrfToken,
): CsrfRequest {
  return {
    method: req.method,
    requestClass: requestClassOf(req),
    headers: req.headers,
    hasSessionCookie: hasCookie(req.headers.cookie, options.sessionCookieName),
    isBearerCaller: /^bearer\s/i.test(req.headers.authorization ?? ''),
    publicOrigin: options.publicOrigin,
    sessionCsrfToken,
  };
}

/**
 * Global guard applying `checkCsrf` to every HTTP route, without opt-outs: it judges only the API classes,
 * and the endpoints outside them carry their own defence (`/auth/callback`: state and PKCE;
 * `/auth/backchannel-logout`: a signed logout token; `/auth/logout`: `checkLogoutCsrf`).
 */
@Injectable()
export class CsrfGuard implements CanActivate {
  constructor(@Inject(CSRF_OPTIONS) private readonly options: CsrfOptions) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const verdict = checkCsrf(csrfRequestOf(req, this.options));
    if (verdict.ok) return true;
    // The token could not be compared because the store failed: say so (SES-16), not "forged".
    if (verdict.check === 'token' && req[STORE_FAILURE] !== undefined)
      throw new SessionStoreUnavailable(this.options.storeRetryAfterSeconds, req[STORE_FAILURE]);
    throw verdict.status === 415 ? new UnsupportedMediaType(verdict.detail) : new CsrfFailed(verdict.detail);
  }
}
