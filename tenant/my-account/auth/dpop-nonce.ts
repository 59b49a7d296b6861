import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** How long one server nonce stays current; the previous one is still accepted (RFC 9449 §8). */
const NONCE_PERIOD_SECONDS = 300;

/**
 * Server-provided DPoP nonces for the resource server (RFC 9449 §9): an HMAC of the current time slot
 * under a secret kept in Redis, so every tenant process agrees and a restart keeps nonces valid.
 */
export class DpopNonces {
  private secret?: Buffer;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private async key(): Promise<Buffer> {
    if (this.secret) return this.secret;
    const name = `${this.prefix}my-account:dpop-nonce-secret`;
    await this.redis.set(name, randomBytes(32).toString('base64url'), 'NX');
    this.secret = Buffer.from((await this.redis.get(name)) as string, 'base64url');
    return this.secret;
  }

  private async forSlot(slot: number): Promise<string> {
    return createHmac('sha256', await this.key())
      .update(String(slot))
      .digest('base64url');
  }

  async current(now = Date.now()): Promise<string> {
    return this.forSlot(Math.floor(now / 1000 / NONCE_PERIOD_SECONDS));
  }

  async isValid(nonce: unknown, now = Date.now()): Promise<boolean> {
    if (typeof nonce !== 'string') return false;
    const slot = Math.floor(now / 1000 / NONCE_PERIOD_SECONDS);
    return nonce === (await this.forSlot(slot)) || nonce === (await this.forSlot(slot - 1));
  }
}
