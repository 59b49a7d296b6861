import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Lifetime of a connect request (`expires_in` of `POST /connected-accounts/connect`). */
export const CONNECT_TTL_SECONDS = 300;

export interface ConnectTransaction {
  user_id: string;
  client_id: string;
  connection: string;
  redirect_uri: string;
  state?: string;
  code_challenge?: string;
  scopes: string[];
  created_at: string;
}

const hash = (value: string) => createHash('sha256').update(value).digest('base64url');

/**
 * Connected-accounts transactions in Redis: the `auth_session` (hashed) holds the request, the `ticket`
 * opens the consent page once, the `connect_code` (hashed) is handed to the redirect_uri once.
 */
export class ConnectFlows {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private txKey(authSessionHash: string) {
    return `${this.prefix}connect:tx:${authSessionHash}`;
  }
  private ticketKey(ticket: string) {
    return `${this.prefix}connect:ticket:${hash(ticket)}`;
  }
  private codeKey(code: string) {
    return `${this.prefix}connect:code:${hash(code)}`;
  }

  async start(tx: Omit<ConnectTransaction, 'created_at'>): Promise<{ authSession: string; ticket: string }> {
    const authSession = randomBytes(36).toString('base64url');
    const ticket = randomUUID();
    const record: ConnectTransaction = { ...tx, created_at: new Date().toISOString() };
    await this.redis
      .multi()
      .set(this.txKey(hash(authSession)), JSON.stringify(record), 'EX', CONNECT_TTL_SECONDS)
      .set(this.ticketKey(ticket), hash(authSession), 'EX', CONNECT_TTL_SECONDS)
      .exec();
    return { authSession, ticket };
  }

  private async txByHash(authSessionHash: string | null): Promise<ConnectTransaction | undefined> {
    if (!authSessionHash) return undefined;
    const raw = await this.redis.get(this.txKey(authSessionHash));
    return raw ? (JSON.parse(raw) as ConnectTransaction) : undefined;
  }

  /** The request behind a consent-page ticket (not consumed: the page may be reloaded). */
  async byTicket(ticket: string): Promise<ConnectTransaction | undefined> {
    return this.txByHash(await this.redis.get(this.ticketKey(ticket)));
  }

  /** Consumes the ticket on approval and mints the single-use `connect_code`. */
  async approve(ticket: string): Promise<{ tx: ConnectTransaction; code: string } | undefined> {
    const authSessionHash = await this.redis.getdel(this.ticketKey(ticket));
    const tx = await this.txByHash(authSessionHash);
    if (!tx || !authSessionHash) return undefined;
    const code = randomBytes(24).toString('base64url');
    await this.redis.set(this.codeKey(code), authSessionHash, 'EX', CONNECT_TTL_SECONDS);
    return { tx, code };
  }

  async byAuthSession(authSession: string): Promise<ConnectTransaction | undefined> {
    return this.txByHash(hash(authSession));
  }

  /** Takes a connect_code (single use); true when it was issued for this auth_session. */
  async takeCode(code: string, authSession: string): Promise<boolean> {
    return (await this.redis.getdel(this.codeKey(code))) === hash(authSession);
  }

  async finish(authSession: string): Promise<void> {
    await this.redis.del(this.txKey(hash(authSession)));
  }
}
