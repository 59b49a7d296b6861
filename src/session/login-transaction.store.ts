import type { RedisClient } from './redis.factory.js';
import { SessionStoreError } from './redis-session.store.js';
import type { SessionKeys } from './session-keys.js';

/** One started login (DESIGN §5): kept in Redis under its `state`, single use. */
export interface LoginTransaction {
  codeVerifier: string;
  nonce: string;
  returnTo: string;
  /** SHA-256 of the browser-binding cookie's value. */
  binding: string;
  maxAge?: number;
  acrValues?: string;
  createdAt: number;
}

export class LoginTransactionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SessionKeys,
    private readonly retryAfterSeconds: number,
  ) {}

  async save(state: string, transaction: LoginTransaction, ttlSeconds: number): Promise<void> {
    try {
      await this.redis.set(
        this.keys.loginTransaction(state),
        JSON.stringify(transaction),
        'EX',
        ttlSeconds,
        'NX',
      );
    } catch (err) {
      throw new SessionStoreError(err, this.retryAfterSeconds);
    }
  }

  /** Reads and deletes in one step (GETDEL): a state works once (RFC 9700 §4.2.4). */
  async consume(state: string): Promise<LoginTransaction | undefined> {
    let raw: string | null;
    try {
      raw = await this.redis.getdel(this.keys.loginTransaction(state));
    } catch (err) {
      throw new SessionStoreError(err, this.retryAfterSeconds);
    }
    if (!raw) return undefined;
    try {
      return JSON.parse(raw) as LoginTransaction;
    } catch {
      return undefined;
    }
  }
}

/** Remembers back-channel logout token ids until they expire (replay, OIDC BCL §2.6 step 9 ff.). */
export class ReplayCache {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SessionKeys,
    private readonly retryAfterSeconds: number,
  ) {}

  /** True the first time `jti` is seen for `issuer`; false for a replay. */
  async firstUse(issuer: string, jti: string, ttlSeconds: number): Promise<boolean> {
    try {
      const ok = await this.redis.set(
        this.keys.usedJti(issuer, jti),
        '1',
        'EX',
        Math.max(1, Math.ceil(ttlSeconds)),
        'NX',
      );
      return ok === 'OK';
    } catch (err) {
      throw new SessionStoreError(err, this.retryAfterSeconds);
    }
  }
}
