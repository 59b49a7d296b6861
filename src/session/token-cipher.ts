import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { TokensConfig } from '../config/config.schema.js';

/**
 * AES-256-GCM under a key ring (RED-9): `v1.<kid>.<iv>.<ciphertext>.<tag>` (base64url), a fresh 96-bit IV
 * per write, the caller's additional data (session id, record version) bound in, so a blob copied to
 * another session or rolled back to an older version does not decrypt. The first key encrypts, every key
 * decrypts (rotation).
 */
export class TokenCipher {
  private readonly keys: ReadonlyMap<string, Buffer>;
  private readonly current: { kid: string; key: Buffer };

  constructor(config: TokensConfig) {
    if (!config.encryptionKeys.length) throw new Error('tokens.encryptionKeys is empty');
    this.keys = new Map(config.encryptionKeys.map((k) => [k.kid, k.key]));
    this.current = config.encryptionKeys[0];
  }

  encrypt(plaintext: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    cipher.setAAD(Buffer.from(aad, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [
      'v1',
      this.current.kid,
      iv.toString('base64url'),
      ct.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
  }

  /** Throws `TokenDecryptionFailed` on an unknown key, a malformed blob or a failed authentication. */
  decrypt(blob: string, aad: string): string {
    const parts = blob.split('.');
    const key = parts.length === 5 && parts[0] === 'v1' ? this.keys.get(parts[1]) : undefined;
    if (!key)
      throw new TokenDecryptionFailed(parts.length === 5 ? `unknown key id ${parts[1]}` : 'malformed record');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[2], 'base64url'));
      decipher.setAAD(Buffer.from(aad, 'utf8'));
      decipher.setAuthTag(Buffer.from(parts[4], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString(
        'utf8',
      );
    } catch {
      throw new TokenDecryptionFailed('authentication failed');
    }
  }
}

export class TokenDecryptionFailed extends Error {
  constructor(reason: string) {
    super(`token record does not decrypt: ${reason}`);
    this.name = 'TokenDecryptionFailed';
  }
}
