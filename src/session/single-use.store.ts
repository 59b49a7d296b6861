import type { RedisClient } from './redis.factory.js';
import { callStore } from './store-call.js';

/** How a single-use store writes its values; `open` may throw for a value it cannot read. */
export interface SingleUseCodec<T> {
  seal(value: T, id: string): string;
  open(stored: string, id: string): T;
}

const JSON_CODEC: SingleUseCodec<never> = {
  seal: (value) => JSON.stringify(value),
  open: (stored) => JSON.parse(stored) as never,
};

/**
 * Values that are read once (RFC 9700 §4.2.4): a connect transaction, a passkey challenge, a spent login
 * state. `put` is `SET NX EX` (the first writer wins, across instances); `take` is `GETDEL`, so two
 * concurrent takes of one id never both get the value. One key per id, built by the keyspace
 * (`SessionKeys`) with its own hash tag: every command touches one key, fine on Redis Cluster.
 */
export class SingleUseStore<T> {
  constructor(
    private readonly redis: RedisClient,
    private readonly keyOf: (id: string) => string,
    private readonly retryAfterSeconds: number,
    private readonly codec: SingleUseCodec<T> = JSON_CODEC,
  ) {}

  /** Stores `value` for `ttlSeconds` unless the id is taken: true when this call stored it. */
  async put(id: string, value: T, ttlSeconds: number): Promise<boolean> {
    const sealed = this.codec.seal(value, id);
    const ttl = Math.max(1, Math.ceil(ttlSeconds));
    const ok = await callStore(this.retryAfterSeconds, () =>
      this.redis.set(this.keyOf(id), sealed, 'EX', ttl, 'NX'),
    );
    return ok === 'OK';
  }

  /** Reads and deletes in one step: undefined when unknown, expired, already taken or unreadable. */
  async take(id: string): Promise<T | undefined> {
    const stored = await callStore(this.retryAfterSeconds, () => this.redis.getdel(this.keyOf(id)));
    if (stored === null) return undefined;
    try {
      return this.codec.open(stored, id);
    } catch {
      return undefined;
    }
  }
}
