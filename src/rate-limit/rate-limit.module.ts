import { type DynamicModule, Global, Module } from '@nestjs/common';
import { RedisAdapter } from '../session/redis.adapter.js';
import { resolveRateLimitPolicies, type RateLimitOverrides } from './rate-limit-policy.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { RateLimitStore } from './rate-limit.store.js';
import { RATE_LIMIT_POLICIES, RateLimiter } from './rate-limiter.service.js';

export interface RateLimitModuleOptions {
  /** Per-policy overrides of `DEFAULT_RATE_LIMIT_POLICIES`; a bad value stops the boot, listing every problem. */
  policies?: RateLimitOverrides;
}

/** Redis-backed rate limits shared across BFF instances (BCP-22). Global: one per app. */
@Global()
@Module({})
export class RateLimitModule {
  static forRoot(options: RateLimitModuleOptions = {}): DynamicModule {
    const policies = resolveRateLimitPolicies(options.policies);
    return {
      module: RateLimitModule,
      providers: [
        { provide: RATE_LIMIT_POLICIES, useValue: policies },
        {
          provide: RateLimitStore,
          inject: [RedisAdapter],
          useFactory: (store: RedisAdapter) => new RateLimitStore(store),
        },
        RateLimiter,
        RateLimitGuard,
      ],
      exports: [RATE_LIMIT_POLICIES, RateLimiter, RateLimitGuard],
    };
  }
}
