import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import { STORE_FAILURE } from '../session/session.middleware.js';
import { SessionService } from '../session/session.service.js';
import { IS_PUBLIC } from './public.decorator.js';

/**
 * Global guard (registered as APP_GUARD): a route needs a signed-in session unless it is `@Public()`.
 * Fails closed: when the session store failed for this request, 503 `session_store_unavailable`
 * with Retry-After on every route, never an anonymous request (SES-16).
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
    if (isPublic) return true;
    this.sessions.require(req);
    return true;
  }
}
