import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { FactorType } from '../../accounts/account.types.js';

/** Lifetime of an `auth_session` between create and verify. */
export const ENROLLMENT_TTL_SECONDS = 300;

export interface EnrollmentSession {
  user_id: string;
  method_id: string;
  type: FactorType;
  created_at: string;
  /** Wrong codes so far; the session dies after too many. */
  attempts: number;
  /** Push notification: set when the authenticator app approved the enrollment. */
  approved?: boolean;
  /** Type-specific state (a code hash, a WebAuthn challenge...). Never sent to the client. */
  data: Record<string, unknown>;
}

const hash = (authSession: string) => createHash('sha256').update(authSession).digest('base64url');

/**
 * Enrollment transactions in Redis, keyed by a hash of the opaque `auth_session` (the value itself is
 * never stored): bound to one user, one method id and one type, single-use, expiring after 5 minutes.
 */
export class EnrollmentSessions {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(authSession: string): string {
    return `${this.prefix}my-account:enrollment:${hash(authSession)}`;
  }

  async issue(session: Omit<EnrollmentSession, 'created_at' | 'attempts'>): Promise<string> {
    const authSession = randomBytes(32).toString('base64url');
    const record: EnrollmentSession = { ...session, created_at: new Date().toISOString(), attempts: 0 };
    await this.redis.set(this.key(authSession), JSON.stringify(record), 'EX', ENROLLMENT_TTL_SECONDS);
    return authSession;
  }

  async find(authSession: string): Promise<EnrollmentSession | undefined> {
    if (authSession.length === 0 || authSession.length > 512) return undefined;
    const raw = await this.redis.get(this.key(authSession));
    return raw ? (JSON.parse(raw) as EnrollmentSession) : undefined;
  }

  /** Rewrites a live session (attempt counter, approval), keeping its expiry; false if it is gone. */
  async save(authSession: string, session: EnrollmentSession): Promise<boolean> {
    return (await this.redis.set(this.key(authSession), JSON.stringify(session), 'KEEPTTL', 'XX')) === 'OK';
  }

  /** Ends the session; true only for the one caller that actually removed it (single use). */
  async consume(authSession: string): Promise<boolean> {
    return (await this.redis.del(this.key(authSession))) === 1;
  }
}
