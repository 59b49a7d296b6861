/**
 * Named rate-limit policies (BCP-22: every request passes through the BFF, so it is where abuse is
 * counted; the tenant sees one IP). A policy counts requests per subject in a fixed window shared by
 * every BFF instance through Redis.
 */
export interface RateLimitPolicy {
  /** Requests allowed per window and subject. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** What is counted: the client's IP (`req.ip`, honouring `server.trustProxy`) or its session. */
  readonly key: 'ip' | 'session';
}

/** Defaults; `RateLimitModule.forRoot({ policies })` overrides them by name. */
export const DEFAULT_RATE_LIMIT_POLICIES = Object.freeze({
  /** `/api/login/*`: challenges and assertions per client IP. */
  'embedded-login': { limit: 30, windowSeconds: 60, key: 'ip' },
  /** `POST /api/login/password` on top of `embedded-login`: password guessing per client IP. */
  'password-login': { limit: 10, windowSeconds: 300, key: 'ip' },
  /** `POST /authentication-methods/{id}/verify`: code guessing per session. */
  'my-account-verify': { limit: 10, windowSeconds: 300, key: 'session' },
  /** My Account writes per session. */
  'my-account-write': { limit: 60, windowSeconds: 60, key: 'session' },
} satisfies Record<string, RateLimitPolicy>);

export type RateLimitPolicyName = keyof typeof DEFAULT_RATE_LIMIT_POLICIES;
export type RateLimitPolicies = Readonly<Record<RateLimitPolicyName, RateLimitPolicy>>;
export type RateLimitOverrides = Partial<Record<RateLimitPolicyName, Partial<RateLimitPolicy>>>;

const isPositiveInteger = (v: unknown) => Number.isSafeInteger(v) && (v as number) > 0;

/** Every problem with the overrides, named by setting, so a bad configuration stops the boot with all of them. */
export function findRateLimitProblems(
  overrides: Readonly<Record<string, unknown>>,
  name = 'rateLimit',
): string[] {
  const problems: string[] = [];
  for (const [policy, value] of Object.entries(overrides)) {
    const where = `${name}.${policy}`;
    if (!(policy in DEFAULT_RATE_LIMIT_POLICIES)) {
      problems.push(
        `${where}: unknown policy (known: ${Object.keys(DEFAULT_RATE_LIMIT_POLICIES).join(', ')})`,
      );
      continue;
    }
    if (!value || typeof value !== 'object') {
      problems.push(`${where}: must be an object`);
      continue;
    }
    const { limit, windowSeconds, key, ...rest } = value as Record<string, unknown>;
    if (limit !== undefined && !isPositiveInteger(limit)) problems.push(`${where}.limit: a positive integer`);
    if (windowSeconds !== undefined && !isPositiveInteger(windowSeconds))
      problems.push(`${where}.windowSeconds: a positive integer of seconds`);
    if (key !== undefined && key !== 'ip' && key !== 'session')
      problems.push(`${where}.key: "ip" or "session"`);
    for (const unknown of Object.keys(rest)) problems.push(`${where}.${unknown}: unknown setting`);
  }
  return problems;
}

/** The defaults with the overrides applied; throws listing every problem. */
export function resolveRateLimitPolicies(overrides: RateLimitOverrides = {}): RateLimitPolicies {
  const problems = findRateLimitProblems(overrides);
  if (problems.length) throw new Error(`Invalid rate-limit configuration:\n- ${problems.join('\n- ')}`);
  const entries = Object.entries(DEFAULT_RATE_LIMIT_POLICIES).map(([name, policy]) => [
    name,
    Object.freeze({ ...policy, ...overrides[name as RateLimitPolicyName] }),
  ]);
  return Object.freeze(Object.fromEntries(entries)) as RateLimitPolicies;
}
