import { Injectable } from '@nestjs/common';
import { RedisAdapter } from '../session/redis.adapter.js';
import type { SingleUseStore } from '../session/single-use.store.js';
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
 * Connect transactions in Redis under their `state`, single use (`SingleUseStore`, RFC 9700 §4.2.4),
 * encrypted like session tokens (AES-256-GCM, the state as additional data): `auth_session` and
 * `code_verifier` are never readable in a Redis dump.
 */
@Injectable()
export class ConnectTransactionStore {
  private readonly transactions: SingleUseStore<ConnectTransaction>;

  constructor(store: RedisAdapter, cipher: TokenCipher) {
    this.transactions = store.singleUse<ConnectTransaction>((state) => store.keys.connectTransaction(state), {
      seal: (transaction, state) => cipher.encrypt(JSON.stringify(transaction), aad(state)),
      open: (sealed, state) => JSON.parse(cipher.decrypt(sealed, aad(state))) as ConnectTransaction,
    });
  }

  async save(state: string, transaction: ConnectTransaction, ttlSeconds: number): Promise<void> {
    await this.transactions.put(state, transaction, ttlSeconds);
  }

  /** Reads and deletes in one step: undefined when unknown, expired, used or unreadable. */
  consume(state: string): Promise<ConnectTransaction | undefined> {
    return this.transactions.take(state);
  }
}

const aad = (state: string) => `connect-transaction\n${state}`;
