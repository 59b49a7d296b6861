import { randomBytes } from 'node:crypto';
import type { RedisAdapter } from '../session/redis.adapter.js';
import type { SingleUseStore } from '../session/single-use.store.js';

/** A started passkey login: Auth0's `auth_session`, kept server-side, and the browser it belongs to. */
export interface PendingPasskeyLogin {
  authSession: string;
  /** SHA-256 of the browser-binding cookie's value (as the login transaction keeps it). */
  binding: string;
  createdAt: number;
}

/**
 * Pending passkey logins in Redis under a hash of their handle, single use (`SingleUseStore`): the
 * handle the page holds is useless without the browser's binding cookie, and the `auth_session` never
 * reaches the browser.
 */
export class PasskeyLoginStore {
  private readonly logins: SingleUseStore<PendingPasskeyLogin>;

  constructor(store: RedisAdapter) {
    this.logins = store.singleUse<PendingPasskeyLogin>((handle) => store.keys.passkeyLogin(handle));
  }

  /** Stores the login and returns its new handle. */
  async save(login: PendingPasskeyLogin, ttlSeconds: number): Promise<string> {
    const handle = randomBytes(32).toString('base64url');
    await this.logins.put(handle, login, ttlSeconds);
    return handle;
  }

  /** Reads and deletes in one step: a handle works once. */
  take(handle: string): Promise<PendingPasskeyLogin | undefined> {
    return this.logins.take(handle);
  }
}
