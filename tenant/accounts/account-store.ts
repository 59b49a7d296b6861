import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Account } from './account.types.js';

/** SET KEYS[1] ARGV[2] only while KEYS[1] still holds ARGV[1]. */
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) return 1 end return 0`;

const MAX_ATTEMPTS = 30;

/** A short random pause after a lost race, so racing writers spread out instead of colliding again. */
const backOff = (attempt: number) =>
  new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 ** attempt)));

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

  /**
   * The user with a confirmed phone method for this number (passwordless SMS). There is no phone index:
   * this scans the users, which is fine for a development tenant's handful of them.
   */
  async findByConfirmedPhone(phoneNumber: string): Promise<Account | undefined> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}account:*`, 'COUNT', 200);
      cursor = next;
      const records = keys.length ? await this.redis.mget(...keys) : [];
      for (const raw of records) {
        const account = raw ? (JSON.parse(raw) as Account) : undefined;
        const owns = account?.methods.some(
          (m) => m.type === 'phone' && m.confirmed && m.phone_number === phoneNumber,
        );
        if (account && owns) return account;
      }
    } while (cursor !== '0');
    return undefined;
  }

  /** Inserts the account when no user has that id yet; returns false when it already existed. */
  async create(account: Account): Promise<boolean> {
    const created = await this.redis.set(this.key(account.user_id), JSON.stringify(account), 'NX');
    if (created !== 'OK') return false;
    await this.redis.set(this.emailKey(account.email), account.user_id);
    return true;
  }

  /**
   * Inserts a new user whose email no user has yet: the email is claimed first (SET NX), so two
   * signups racing for one address cannot both succeed. Returns false when the email is taken.
   */
  async createWithNewEmail(account: Account): Promise<boolean> {
    const claimed = await this.redis.set(this.emailKey(account.email), account.user_id, 'NX');
    if (claimed !== 'OK') return false;
    await this.redis.set(this.key(account.user_id), JSON.stringify(account), 'NX');
    return true;
  }

  /**
   * Read-modify-write with optimistic locking: the record is written only if it is still exactly what was
   * read (compare-and-set in one Lua script on the shared connection, no WATCH connection per call), so two
   * concurrent enrollments never lose each other's changes. `change` mutates the record in place (it may
   * throw to abort); returns the saved record.
   */
  async update(userId: string, change: (account: Account) => void | Promise<void>): Promise<Account> {
    const key = this.key(userId);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await backOff(attempt);
      const raw = await this.redis.get(key);
      if (!raw) throw new Error(`No account ${userId}`);
      const account = JSON.parse(raw) as Account;
      await change(account);
      const next = JSON.stringify(account);
      if (next === raw) return account;
      if ((await this.redis.eval(COMPARE_AND_SET, 1, key, raw, next)) === 1) return account;
    }
    throw new AccountUpdateConflict(`Account ${userId} kept changing; gave up`);
  }
}

/** A random Auth0-style id suffix: `dev_` + 16 alphanumerics. */
export function newMethodIdSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = 'dev_';
  for (let i = 0; i < 16; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}
