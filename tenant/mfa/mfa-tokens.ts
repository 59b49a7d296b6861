import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The `mfa_token` of Auth0's `mfa_required` answer (docs/tenant.md#mfa-api): what the password step
 * proved, bound to the user and the client it was issued to, valid 10 minutes (Auth0's fixed lifetime;
 * `tenant.mfa_token_lifetime_seconds`). It is the Bearer of `/mfa/authenticators` and `/mfa/associate`
 * and a parameter of `/mfa/challenge` and the MFA grants; the grant that completes the login spends it.
 * The record outlives the token by an hour so a late use is told `expired_token`, not "malformed".
 */
export interface MfaLogin {
  accountId: string;
  clientId: string;
  scope?: string;
  audience?: string;
  /** How the first factor was proven (`pwd`, `otp`, `sms`); `["pwd"]` when absent. */
  amr?: string[];
  /** Methods enrolled through `/mfa/associate` with this token, confirmed by the grant that proves one. */
  enrolling?: string[];
}

interface StoredMfaToken extends MfaLogin {
  expiresAt: number;
}

/** Why a presented mfa_token is refused; each side renders it in its own error type. */
export interface MfaRefusal {
  status: number;
  error: string;
  description: string;
}

export type MfaTokenCheck = { ok: true; login: MfaLogin } | { ok: false; refusal: MfaRefusal };

const KEEP_EXPIRED_SECONDS = 3600;

export const MALFORMED: MfaRefusal = {
  status: 403,
  error: 'invalid_grant',
  description: 'Malformed mfa_token',
};
export const EXPIRED: MfaRefusal = {
  status: 403,
  error: 'expired_token',
  description: 'mfa_token is expired',
};
export const OTHER_CLIENT: MfaRefusal = {
  status: 403,
  error: 'invalid_grant',
  description: 'The mfa_token was issued to another application',
};

export class MfaTokens {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly lifetimeSeconds: number,
  ) {}

  private key(token: string): string {
    return `${this.prefix}mfa-token:${token}`;
  }

  async issue(login: MfaLogin): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const stored: StoredMfaToken = { ...login, expiresAt: Date.now() + this.lifetimeSeconds * 1000 };
    await this.redis.set(
      this.key(token),
      JSON.stringify(stored),
      'EX',
      this.lifetimeSeconds + KEEP_EXPIRED_SECONDS,
    );
    return token;
  }

  /** The login a token stands for; refused when unknown, spent, expired, or (with `clientId`) another client's. */
  async check(token: string, clientId?: string): Promise<MfaTokenCheck> {
    const raw = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await this.redis.get(this.key(token)) : null;
    if (!raw) return { ok: false, refusal: MALFORMED };
    const { expiresAt, ...login } = JSON.parse(raw) as StoredMfaToken;
    if (expiresAt <= Date.now()) return { ok: false, refusal: EXPIRED };
    if (clientId !== undefined && login.clientId !== clientId) return { ok: false, refusal: OTHER_CLIENT };
    return { ok: true, login };
  }

  /** Records the methods an `/mfa/associate` call created, keeping the token's expiry. */
  async setEnrolling(token: string, methodIds: string[]): Promise<void> {
    const raw = await this.redis.get(this.key(token));
    if (!raw) return;
    const stored = { ...(JSON.parse(raw) as StoredMfaToken), enrolling: methodIds };
    await this.redis.set(this.key(token), JSON.stringify(stored), 'KEEPTTL');
  }

  /** Spends the token; false when another request already did (only one login completes per token). */
  async spend(token: string): Promise<boolean> {
    return (await this.redis.del(this.key(token))) === 1;
  }
}
