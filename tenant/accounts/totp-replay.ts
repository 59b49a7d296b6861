import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Account, StoredTotp } from './account.types.js';
import { totpStep } from './login-factors.js';

/**
 * RFC 6238 §5.2: a verifier must not accept the same one-time password twice. Every place the tenant
 * checks a TOTP code (login MFA page, My Account TOTP enrollment, the MFA API grant) claims the code's
 * time step for its secret before accepting it; a second use of that code within the steps it stays valid
 * for (the current one and one either side) is refused. Keyed by a hash of the secret, so the claim holds
 * across methods and enrollments sharing a secret.
 */
const CLAIM_SECONDS = 120;

export class TotpReplayGuard {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    /** `tenant.totp_replays`: only `allow` (test suites) accepts a code twice. */
    private readonly replays: 'reject' | 'allow' = 'reject',
  ) {}

  /** True when `code` is valid for `secret` now and was never accepted before (it is claimed here). */
  async accept(secret: string, code: string): Promise<boolean> {
    const step = totpStep(secret, code);
    if (step === undefined) return false;
    if (this.replays === 'allow') return true;
    const id = createHash('sha256').update(secret).digest('base64url').slice(0, 24);
    const claimed = await this.redis.set(
      `${this.prefix}totp-used:${id}:${step}`,
      '1',
      'EX',
      CLAIM_SECONDS,
      'NX',
    );
    return claimed === 'OK';
  }

  /** The TOTP method among `methods` that accepts `code` (claimed), if any. */
  async match(methods: readonly StoredTotp[], code: string): Promise<StoredTotp | undefined> {
    for (const method of methods) {
      if (await this.accept(method.secret, code)) return method;
    }
    return undefined;
  }
}

/** The user's confirmed TOTP methods. */
export function confirmedTotps(account: Account): StoredTotp[] {
  return account.methods.filter((m): m is StoredTotp => m.type === 'totp' && m.confirmed);
}
