import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingHttpHeaders } from 'node:http';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import { STORE_FAILURE } from '../session/session.middleware.js';
import { readCookieHeader } from '../http/cookie-header.js';
import { checkCsrf } from './check-csrf.js';
import { CsrfFailed, UnsupportedMediaType } from './csrf-errors.js';
import { SKIP_CSRF } from './skip-csrf.decorator.js';

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

/** True when the Cookie header holds a non-empty cookie of that name. */
export function hasCookie(header: string | undefined, name: string): boolean {
  return !!readCookieHeader(header, name);
}

interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** Loaded by the session middleware for `/auth/*` and `/api/*`, before any guard runs. */
  readonly session?: { readonly csrfToken?: string };
  readonly [STORE_FAILURE]?: unknown;
}

/** Global guard applying `checkCsrf` to every HTTP route; `@SkipCsrf()` opts a route out explicitly. */
@Injectable()
export class CsrfGuard implements CanActivate {
  private readonly publicOrigin: string;

  constructor(
    private readonly reflector: Reflector,
    @Inject(CSRF_OPTIONS) private readonly options: CsrfOptions,
  ) {
    this.publicOrigin = new URL(options.publicOrigin).origin;
  }

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(SKIP_CSRF, [context.getHandler(), context.getClass()]))
      return true;
    const req = context.switchToHttp().getRequest<HttpRequest>();
    const verdict = checkCsrf({
      method: req.method,
      path: req.path,
      headers: req.headers,
      hasSessionCookie: hasCookie(req.headers.cookie, this.options.sessionCookieName),
      isBearerCaller: /^bearer\s/i.test(req.headers.authorization ?? ''),
      publicOrigin: this.publicOrigin,
      sessionCsrfToken: req.session?.csrfToken,
    });
    if (verdict.ok) return true;
    // The token could not be compared because the store failed: say so (SES-16), not "forged".
    if (verdict.check === 'token' && req[STORE_FAILURE] !== undefined)
      throw new SessionStoreUnavailable(this.options.storeRetryAfterSeconds, req[STORE_FAILURE]);
    throw verdict.status === 415 ? new UnsupportedMediaType(verdict.detail) : new CsrfFailed(verdict.detail);
  }
}
