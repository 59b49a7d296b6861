import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The tickets in password-reset links (`/lo/reset?ticket=...`): a random string naming the user, valid
 * 5 days (Auth0's default lifetime for the change-password link), spent when the new password is set.
 * Asking again leaves earlier tickets valid until they expire, as Auth0's links do.
 */
const TTL_SECONDS = 432_000;

export class ResetTickets {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(ticket: string): string {
    return `${this.prefix}password-reset:${ticket}`;
  }

  async issue(userId: string): Promise<string> {
    const ticket = randomBytes(24).toString('base64url');
    await this.redis.set(this.key(ticket), userId, 'EX', TTL_SECONDS);
    return ticket;
  }

  /** The user a live ticket names. */
  async find(ticket: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(ticket)) return undefined;
    return (await this.redis.get(this.key(ticket))) ?? undefined;
  }

  /** Spends the ticket; false when another request already did. */
  async spend(ticket: string): Promise<boolean> {
    return (await this.redis.del(this.key(ticket))) === 1;
  }
}
