import type { Redis } from 'ioredis';

/**
 * Auth0 rate-limits failed MFA code checks per user with a bucket of 10 attempts that refills one attempt
 * every 6 minutes. Kept simpler here: at most 10 failures per user within an hour (the time the bucket
 * takes to refill), counted from the first; beyond that every MFA code check of the user is refused with
 * 429 `too_many_attempts` until the hour has passed.
 */
export const MAX_FAILED_CODES = 10;
const WINDOW_SECONDS = 3600;

export class MfaAttempts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(userId: string): string {
    return `${this.prefix}mfa-failures:${userId}`;
  }

  async isBlocked(userId: string): Promise<boolean> {
    return Number(await this.redis.get(this.key(userId))) >= MAX_FAILED_CODES;
  }

  async recordFailure(userId: string): Promise<void> {
    const key = this.key(userId);
    await this.redis.multi().incr(key).expire(key, WINDOW_SECONDS, 'NX').exec();
  }
}
