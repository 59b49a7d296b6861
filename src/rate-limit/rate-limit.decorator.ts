import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import type { RateLimitPolicyName } from './rate-limit-policy.js';
import { RATE_LIMIT_METADATA, RateLimitGuard } from './rate-limit.guard.js';

/**
 * Policy as data on the route (STYLE rule 7): `@RateLimit('embedded-login')` counts every request to the
 * route under that policy, 429 once it is spent. Several names: every one counts and must pass.
 * Runs after the global guards (CSRF, session), so refused forgeries spend no budget.
 */
export const RateLimit = (...policies: [RateLimitPolicyName, ...RateLimitPolicyName[]]) =>
  applyDecorators(SetMetadata(RATE_LIMIT_METADATA, policies), UseGuards(RateLimitGuard));
