import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { RateLimitPolicyName } from './rate-limit-policy.js';
import { RateLimiter } from './rate-limiter.service.js';

export const RATE_LIMIT_METADATA = 'rateLimit:policies';

/** Counts the request against every policy named by `@RateLimit(...)` on the route (all must pass). */
@Injectable()
export class RateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const names = this.reflector.getAllAndOverride<RateLimitPolicyName[] | undefined>(RATE_LIMIT_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const req = context.switchToHttp().getRequest<Request>();
    for (const name of names ?? []) await this.limiter.enforce(name, req);
    return true;
  }
}
