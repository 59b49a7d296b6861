import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { TenantContext } from '../tenant-context.js';

/**
 * The codes `/passwordless/start` sends (docs/tenant.md#passwordless), as Auth0 treats them: only the
 * latest code for a connection and recipient is valid (a new one replaces it), it is valid
 * `otp_lifetime_seconds`, it logs in once, and only for the application that asked for it. Three wrong
 * codes use it up: from then on every attempt is refused until a new code is asked for. Codes are kept
 * as SHA-256, never in clear.
 */
export const MAX_FAILED_ATTEMPTS = 3;

interface StoredCode {
  codeHash: string;
  accountId: string;
  clientId: string;
}

export type Redemption = { kind: 'ok'; accountId: string } | { kind: 'wrong' } | { kind: 'exhausted' };

const hash = (code: string) => createHash('sha256').update(code.trim()).digest('base64url');

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class PasswordlessCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly lifetimeSeconds: number,
    private readonly length: number,
  ) {}

  private key(connection: string, recipient: string): string {
    const id = createHash('sha256').update(`${connection}\n${recipient}`).digest('base64url');
    return `${this.prefix}passwordless:${id}`;
  }

  /** A fresh code for the recipient, replacing any earlier one (and its failed attempts). */
  async issue(connection: string, recipient: string, accountId: string, clientId: string): Promise<string> {
    const code = String(randomInt(0, 10 ** this.length)).padStart(this.length, '0');
    const key = this.key(connection, recipient);
    const stored: StoredCode = { codeHash: hash(code), accountId, clientId };
    await this.redis
      .multi()
      .set(key, JSON.stringify(stored), 'EX', this.lifetimeSeconds)
      .del(`${key}:failures`)
      .exec();
    return code;
  }

  /** Checks a code; the right one is spent, a wrong one counts towards the code's attempts. */
  async redeem(connection: string, recipient: string, code: string, clientId: string): Promise<Redemption> {
    const key = this.key(connection, recipient);
    const [raw, failures] = await this.redis.mget(key, `${key}:failures`);
    if (Number(failures) >= MAX_FAILED_ATTEMPTS) return { kind: 'exhausted' };
    const stored = raw ? (JSON.parse(raw) as StoredCode) : undefined;
    if (stored && stored.clientId === clientId && sameHash(hash(code), stored.codeHash)) {
      // Spent exactly once, even when two requests race with the same code.
      if ((await this.redis.del(key)) === 1) return { kind: 'ok', accountId: stored.accountId };
      return { kind: 'wrong' };
    }
    if (!stored) return { kind: 'wrong' };
    const [[, count]] = (await this.redis
      .multi()
      .incr(`${key}:failures`)
      .expire(`${key}:failures`, this.lifetimeSeconds)
      .exec()) as [[Error | null, number]];
    return count >= MAX_FAILED_ATTEMPTS ? { kind: 'exhausted' } : { kind: 'wrong' };
  }
}

export function createPasswordlessCodes(tenant: TenantContext): PasswordlessCodes {
  const { otp_lifetime_seconds: lifetime, otp_length: length } = tenant.config.passwordless;
  return new PasswordlessCodes(tenant.redis, tenant.prefix, lifetime, length);
}
