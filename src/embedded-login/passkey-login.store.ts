import { createHash, randomBytes } from 'node:crypto';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import type { RedisClient } from '../session/redis.factory.js';

/** A started passkey login: Auth0's `auth_session`, kept server-side, and the browser it belongs to. */
export interface PendingPasskeyLogin {
  authSession: string;
  /** SHA-256 of the browser-binding cookie's value (as the login transaction keeps it). */
  binding: string;
  createdAt: number;
}

/**
 * Pending passkey logins in Redis under a hash of their handle, single use (GETDEL), like the login
 * transaction: the handle the page holds is useless without the browser's binding cookie, and the
 * `auth_session` never reaches the browser.
 */
export class PasskeyLoginStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly prefix: string,
    private readonly retryAfterSeconds: number,
  ) {}

  private key(handle: string): string {
    return `${this.prefix}{pk:${createHash('sha256').update(handle).digest('base64url')}}`;
  }

  /** Stores the login and returns its new handle. */
  async save(login: PendingPasskeyLogin, ttlSeconds: number): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    try {
      await this.redis.set(this.key(handle), JSON.stringify(login), 'EX', ttlSeconds, 'NX');
    } catch (err) {
      throw new SessionStoreUnavailable(this.retryAfterSeconds, err);
    }
    return handle;
  }

  /** Reads and deletes in one step: a handle works once. */
  async take(handle: string): Promise<PendingPasskeyLogin | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.getdel(this.key(handle));
    } catch (err) {
      throw new SessionStoreUnavailable(this.retryAfterSeconds, err);
    }
    try {
      return raw ? (JSON.parse(raw) as PendingPasskeyLogin) : undefined;
    } catch {
      return undefined;
    }
  }
}
