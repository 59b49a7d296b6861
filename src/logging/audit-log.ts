import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from './logger.js';

/**
 * The named audit events (docs/architecture.md#operations). Each line has `audit: true` and `event: <name>`.
 */
export type AuditEvent =
  | 'login'
  | 'login_failed'
  | 'logout'
  | 'step_up'
  | 'backchannel_logout'
  | 'backchannel_logout_rejected'
  | 'session_revoked'
  | 'session_expired'
  | 'session_tokens_undecryptable'
  | 'session_replace_cleanup_failed'
  /** A refresh answered after the caller's timeout; `recorded`: its tokens were kept (RT-9). */
  | 'token_refresh_late'
  | 'enrollment'
  | 'deletion';

/**
 * Audit lines for security events. Fields are identifiers (sub, a session handle, reasons), never
 * tokens or session ids: callers pass `sessionHandle(sid)`, not the sid.
 */
@Injectable()
export class AuditLog {
  private readonly logger: Logger;

  constructor(@Inject(ROOT_LOGGER) root: Logger) {
    this.logger = root.child({ audit: true });
  }

  record(event: AuditEvent, fields: Record<string, unknown> = {}): void {
    const level =
      event.endsWith('_failed') || event.endsWith('_rejected') || event === 'session_tokens_undecryptable'
        ? 'warn'
        : 'info';
    this.logger[level]({ event, ...fields }, event);
  }
}
