import {
  DEFAULT_RATE_LIMIT_POLICIES,
  findRateLimitProblems,
  resolveRateLimitPolicies,
} from './rate-limit-policy.js';

describe('rate-limit policies', () => {
  it('keeps the defaults and applies overrides by name', () => {
    const policies = resolveRateLimitPolicies({ 'embedded-login': { limit: 3 } });
    expect(policies['embedded-login']).toEqual({ limit: 3, windowSeconds: 60, key: 'ip' });
    expect(policies['my-account-verify']).toEqual(DEFAULT_RATE_LIMIT_POLICIES['my-account-verify']);
    expect(Object.isFrozen(policies['embedded-login'])).toBe(true);
  });

  it.each([
    [{ nope: { limit: 1 } }, 'rateLimit.nope: unknown policy'],
    [{ 'embedded-login': { limit: 0 } }, 'rateLimit.embedded-login.limit: a positive integer'],
    [{ 'embedded-login': { limit: 1.5 } }, 'rateLimit.embedded-login.limit: a positive integer'],
    [{ 'embedded-login': { windowSeconds: -1 } }, 'rateLimit.embedded-login.windowSeconds'],
    [{ 'embedded-login': { key: 'user' } }, 'rateLimit.embedded-login.key: "ip" or "session"'],
    [{ 'embedded-login': { burst: 2 } }, 'rateLimit.embedded-login.burst: unknown setting'],
    [{ 'embedded-login': 5 }, 'rateLimit.embedded-login: must be an object'],
  ])('names the problem in %j', (overrides, problem) => {
    expect(findRateLimitProblems(overrides as Record<string, unknown>).join('\n')).toContain(problem);
  });

  it('lists every problem at once and refuses to resolve', () => {
    const overrides = { 'embedded-login': { limit: 0, windowSeconds: 0 }, other: {} };
    expect(findRateLimitProblems(overrides)).toHaveLength(3);
    expect(() => resolveRateLimitPolicies(overrides as never)).toThrow(
      /limit[\s\S]*windowSeconds[\s\S]*other/,
    );
  });
});
