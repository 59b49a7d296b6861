import { Inject, Injectable } from '@nestjs/common';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { REDIS_CLIENT, type RedisClient } from '../session/redis.factory.js';
import { SessionStoreError } from '../session/redis-session.store.js';
import { TokenCipher } from '../session/token-cipher.js';

/**
 * One started link (docs/architecture.md#the-http-surface): what `/complete` needs, kept server-side so the
 * browser never sees it.
 */
export interface ConnectTransaction {
  /** The API's `auth_session` (binds /connect to /complete). */
  authSession: string;
  codeVerifier: string;
  connection: string;
  returnTo: string;
  /** SHA-256 of the browser-binding cookie's value. */
  binding: string;
  /** `sessionHandle` of the session that started it: the same sign-in must finish it. */
  session: string;
  createdAt: number;
}

/**
 * Connect transactions in Redis under their `state`, single use (GETDEL, RFC 9700 §4.2.4), encrypted
 * like session tokens (AES-256-GCM, the state as additional data): `auth_session` and `code_verifier`
 * are never readable in a Redis dump.
 */
@Injectable()
export class ConnectTransactionStore {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly cipher: TokenCipher,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
  ) {}

  private key(state: string): string {
    return `${this.config.keyPrefix}{connect:${state}}`;
  }

  async save(state: string, transaction: ConnectTransaction, ttlSeconds: number): Promise<void> {
    const blob = this.cipher.encrypt(JSON.stringify(transaction), aad(state));
    try {
      await this.redis.set(this.key(state), blob, 'EX', ttlSeconds, 'NX');
    } catch (err) {
      throw new SessionStoreError(err, this.config.retryAfterSeconds);
    }
  }

  /** Reads and deletes in one step: undefined when unknown, expired, used or unreadable. */
  async consume(state: string): Promise<ConnectTransaction | undefined> {
    let blob: string | null;
    try {
      blob = await this.redis.getdel(this.key(state));
    } catch (err) {
      throw new SessionStoreError(err, this.config.retryAfterSeconds);
    }
    if (!blob) return undefined;
    try {
      return JSON.parse(this.cipher.decrypt(blob, aad(state))) as ConnectTransaction;
    } catch {
      return undefined;
    }
  }
}

const aad = (state: string) => `connect-transaction\n${state}`;
