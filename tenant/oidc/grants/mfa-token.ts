import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The `mfa_token` of Auth0's `mfa_required` answer: what the password step proved, kept 5 minutes (the
 * lifetime Auth0 SDKs assume) until the `mfa-otp` grant completes the login. Single use.
 */
export interface PendingMfaLogin {
  accountId: string;
  clientId: string;
  scope?: string;
  audience?: string;
}

const TTL_SECONDS = 300;

export class MfaTokens {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async issue(login: PendingMfaLogin): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.redis.set(`${this.prefix}mfa-token:${token}`, JSON.stringify(login), 'EX', TTL_SECONDS);
    return token;
  }

  async take(token: string): Promise<PendingMfaLogin | undefined> {
    const raw = await this.redis.getdel(`${this.prefix}mfa-token:${token}`);
    return raw ? (JSON.parse(raw) as PendingMfaLogin) : undefined;
  }
}
