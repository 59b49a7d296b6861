import type { Logger } from 'pino';
import { type ReplicaWait, runDurably } from './durable-write.js';
import type { RedisClient } from './redis.factory.js';
import type { SessionKeys } from './session-keys.js';
import type { SessionScripts } from './session-scripts.js';
import { callStore } from './store-call.js';
import type { TokenCipher } from './token-cipher.js';
import type { TokenSet, VersionedTokens } from './session.types.js';

/** A token record as stored: version and ciphertext (still encrypted). */
export interface RawTokenRecord {
  v: string | null;
  ct: string | null;
}

/**
 * A session's tokens: one hash `{v, ct}` beside the session record (same hash tag), encrypted with the
 * session id and the version as additional data. Writes are compare-and-set on the version, so a slower
 * request never overwrites tokens a refresh just rotated (RT-6).
 */
export class TokenStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly keys: SessionKeys,
    private readonly scripts: SessionScripts,
    private readonly cipher: TokenCipher,
    private readonly fallbackTtlMs: number,
    private readonly retryAfterSeconds: number,
    private readonly durability: { wait: ReplicaWait; logger?: Logger } = {
      wait: { replicas: 0, timeoutMs: 0 },
    },
  ) {}

  /** The tokens and their version, or undefined when there are none. Throws `TokenDecryptionFailed`. */
  async read(sid: string): Promise<VersionedTokens | undefined> {
    const [v, ct] = await callStore(this.retryAfterSeconds, () =>
      this.redis.hmget(this.keys.tokens(sid), 'v', 'ct'),
    );
    return this.decode(sid, { v, ct });
  }

  /** A token record as stored, decrypted (undefined when empty). Throws `TokenDecryptionFailed`. */
  decode(sid: string, record: RawTokenRecord): VersionedTokens | undefined {
    if (!record.v || !record.ct) return undefined;
    const version = Number(record.v);
    const tokens = JSON.parse(this.cipher.decrypt(record.ct, aad(sid, version))) as TokenSet;
    return { tokens, version };
  }

  /**
   * Writes when the stored version is still `expectedVersion` (0: no tokens yet). Returns the new
   * version, or undefined when another write came first or the session was destroyed meanwhile.
   */
  async write(sid: string, tokens: TokenSet, expectedVersion: number): Promise<number | undefined> {
    const blob = this.cipher.encrypt(JSON.stringify(tokens), aad(sid, expectedVersion + 1));
    // A rotated refresh token exists nowhere else: WAIT for the replicas (RED-6).
    const result = await callStore(this.retryAfterSeconds, () =>
      runDurably<number>(this.redis, this.durability.wait, this.durability.logger, 'bffTokensCas', [
        this.keys.tokens(sid),
        this.keys.session(sid),
        this.keys.tombstone(sid),
        expectedVersion,
        blob,
        this.fallbackTtlMs,
      ]),
    );
    return result > 0 ? result : undefined;
  }
}

function aad(sid: string, version: number): string {
  return `tokens\n${sid}\n${version}`;
}
