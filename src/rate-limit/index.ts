export { RateLimit } from './rate-limit.decorator.js';
export { RateLimitGuard } from './rate-limit.guard.js';
export { RateLimitModule, type RateLimitModuleOptions } from './rate-limit.module.js';
export {
  DEFAULT_RATE_LIMIT_POLICIES,
  type RateLimitPolicy,
  type RateLimitPolicyName,
} from './rate-limit-policy.js';
export { RateLimited, RateLimitStoreUnavailable } from './rate-limit-errors.js';
export { RateLimiter } from './rate-limiter.service.js';
