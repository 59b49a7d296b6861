import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { acceptsBearer } from '../bearer/bearer.guard.js';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import { STORE_FAILURE } from '../session/session.middleware.js';
import { SessionService } from '../session/session.service.js';
import { IS_PUBLIC } from './public.decorator.js';

/**
 * Global guard (app.module.ts registers it after the CSRF and bearer guards): a route needs a signed-in
 * session unless it is `@Public()`, or `@AcceptsBearer()`: there the caller is the session or the bearer
 * caller `BearerGuard` has already validated, and the route resolves which (the proxy answers its route
 * table's 400/404/405 first, then 401 `login_required` for neither). Fails closed: when the session store
 * failed for this request, 503 `session_store_unavailable` with Retry-After on every route, never an
 * anonymous request (SES-16).
 */
@Injectable()
export class SessionGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionService,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (req[STORE_FAILURE] !== undefined)
      throw new SessionStoreUnavailable(this.config.retryAfterSeconds, req[STORE_FAILURE]);
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic || acceptsBearer(this.reflector, context)) return true;
    this.sessions.require(req);
    return true;
  }
}
