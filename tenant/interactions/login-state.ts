import type { Redis } from 'ioredis';

/**
 * What a login in progress has proven so far, kept beside oidc-provider's interaction (same uid, same
 * lifetime): who the user is once the password (or the existing session) checked out, and the MFA step's
 * pending material. Codes are stored hashed.
 */
export interface LoginState {
  /** Set once the first factor is done; the MFA page is shown from then on. */
  accountId?: string;
  /** Methods used so far (RFC 8176 values), e.g. `["pwd"]`. */
  amr: string[];
  /** Wrong codes so far at the MFA step. */
  failures: number;
  /** TOTP secret offered to a user without any factor (enrollment at the prompt). */
  enrollSecret?: string;
  /** The email/SMS code last sent, SHA-256. */
  sentCode?: { hash: string; methodId: string; expiresAt: number };
  /** The WebAuthn challenge of the passkey button. */
  passkeyChallenge?: string;
}

const TTL_SECONDS = 3600;

export class LoginStates {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(uid: string): string {
    return `${this.prefix}login:${uid}`;
  }

  async get(uid: string): Promise<LoginState> {
    const raw = await this.redis.get(this.key(uid));
    return raw ? (JSON.parse(raw) as LoginState) : { amr: [], failures: 0 };
  }

  async save(uid: string, state: LoginState): Promise<void> {
    await this.redis.set(this.key(uid), JSON.stringify(state), 'EX', TTL_SECONDS);
  }

  async clear(uid: string): Promise<void> {
    await this.redis.del(this.key(uid));
  }
}
