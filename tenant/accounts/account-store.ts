import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Account } from './account.types.js';

/** Thrown by `update` when the record changed under us too many times in a row. */
export class AccountUpdateConflict extends Error {}

/**
 * The tenant's users in Redis: `<prefix>account:<user_id>` holds the JSON record and
 * `<prefix>account-email:<lowercased email>` points at the user id.
 */
export class AccountStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(userId: string): string {
    return `${this.prefix}account:${userId}`;
  }
  private emailKey(email: string): string {
    return `${this.prefix}account-email:${email.trim().toLowerCase()}`;
  }

  async findById(userId: string): Promise<Account | undefined> {
    const raw = await this.redis.get(this.key(userId));
    return raw ? (JSON.parse(raw) as Account) : undefined;
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const userId = await this.redis.get(this.emailKey(email));
    return userId ? this.findById(userId) : undefined;
  }

  /** Inserts the account when no user has that id yet; returns false when it already existed. */
  async create(account: Account): Promise<boolean> {
    const created = await this.redis.set(this.key(account.user_id), JSON.stringify(account), 'NX');
    if (created !== 'OK') return false;
    await this.redis.set(this.emailKey(account.email), account.user_id);
    return true;
  }

  /**
   * Read-modify-write with optimistic locking (WATCH/MULTI), so two concurrent enrollments never lose
   * each other's changes. `change` mutates the record in place; returns the saved record.
   */
  async update(userId: string, change: (account: Account) => void | Promise<void>): Promise<Account> {
    const key = this.key(userId);
    for (let attempt = 0; attempt < 10; attempt++) {
      const conn = this.redis.duplicate();
      try {
        await conn.watch(key);
        const raw = await conn.get(key);
        if (!raw) throw new Error(`No account ${userId}`);
        const account = JSON.parse(raw) as Account;
        await change(account);
        const result = await conn.multi().set(key, JSON.stringify(account)).exec();
        if (result) return account;
      } finally {
        conn.disconnect();
      }
    }
    throw new AccountUpdateConflict(`Account ${userId} kept changing; gave up`);
  }
}

/** A random Auth0-style id suffix: `dev_` + 16 alphanumerics. */
export function newMethodIdSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(16);
  let out = 'dev_';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}
