import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { ACCEPTS_BEARER } from './accepts-bearer.decorator.js';
import { isBearerCandidate, readBearerToken } from './bearer-request.js';
import { MyAccountBearerStrategy } from './bearer.strategy.js';

/**
 * Global guard for bearer callers (docs/architecture.md#the-http-surface), before the session guard
 * (app.module.ts): on a route marked `@AcceptsBearer()` (`/api/me/v1/*`), a request without the session
 * cookie and with an `Authorization` header must carry a valid user access token for the My Account API;
 * the caller lands in `req.bearerCaller`. Everything else passes untouched (with the cookie, the cookie
 * wins). Failures: 401 `invalid_token` (or `login_required` for a non-Bearer header) with
 * `WWW-Authenticate`.
 */
@Injectable()
export class BearerGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly strategy: MyAccountBearerStrategy,
    @Inject(SESSION_CONFIG) private readonly session: SessionConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (!acceptsBearer(this.reflector, context)) return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!isBearerCandidate(req, this.session.cookieName)) return true;
    readBearerToken(req.headers.authorization);
    req.bearerCaller = await this.strategy.authenticateRequest(
      req,
      context.switchToHttp().getResponse<Response>(),
    );
    return true;
  }
}

/** True when the route is marked `@AcceptsBearer()`: its callers are a session or a bearer caller. */
export function acceptsBearer(reflector: Reflector, context: ExecutionContext): boolean {
  return !!reflector.getAllAndOverride<boolean>(ACCEPTS_BEARER, [context.getHandler(), context.getClass()]);
}
