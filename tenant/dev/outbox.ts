import type { Redis } from 'ioredis';

/** A message the tenant "sent": email and SMS/voice codes land here instead of leaving the machine. */
export interface OutboxMessage {
  channel: 'email' | 'sms' | 'voice';
  to: string;
  user_id: string;
  /**
   * What the message is for: `enrollment` (My Account verify), `login` (MFA), `passwordless` (a
   * passwordless login code) or `password-reset` (the reset link of `/dbconnections/change_password`).
   */
  purpose: 'enrollment' | 'login' | 'passwordless' | 'password-reset';
  /** The code sent; for a password reset, the ticket in the link. */
  code: string;
  /** The link the message carries (password reset). */
  link?: string;
  text: string;
  sent_at: string;
}

const MAX_MESSAGES = 200;

/** The development outbox, newest first, served at `GET /__dev/outbox` when `devEndpoints` is on. */
export class Outbox {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private get key(): string {
    return `${this.prefix}outbox`;
  }

  async deliver(
    message: Omit<OutboxMessage, 'sent_at' | 'text'> & { text?: string },
  ): Promise<OutboxMessage> {
    const full: OutboxMessage = {
      ...message,
      text: message.text ?? `Your verification code is ${message.code}`,
      sent_at: new Date().toISOString(),
    };
    await this.redis
      .multi()
      .lpush(this.key, JSON.stringify(full))
      .ltrim(this.key, 0, MAX_MESSAGES - 1)
      .exec();
    return full;
  }

  async list(filter: { to?: string } = {}): Promise<OutboxMessage[]> {
    const raw = await this.redis.lrange(this.key, 0, -1);
    const all = raw.map((r) => JSON.parse(r) as OutboxMessage);
    return filter.to ? all.filter((m) => m.to === filter.to) : all;
  }
}
