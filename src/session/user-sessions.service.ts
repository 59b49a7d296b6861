import { Injectable } from '@nestjs/common';
import type { ActiveSession } from '../public-api.types.js';
import { AuditLog } from '../logging/audit-log.js';
import { Metrics } from '../metrics/metrics.service.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { sessionHandle } from './session-keys.js';
import { SessionService } from './session.service.js';

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * A user's own sessions, for `GET /api/sessions` and `DELETE /api/sessions/{id}`
 * (docs/architecture.md#the-http-surface). Sessions are named by their handle (`sessionHandle`), never by
 * their id, which is a credential.
 */
@Injectable()
export class UserSessions {
  constructor(
    private readonly sessions: SessionService,
    private readonly oidc: OidcClient,
    private readonly audit: AuditLog,
    private readonly metrics: Metrics,
  ) {}

  /** The user's live sessions, newest first; `current` marks the caller's. */
  async list(sub: string, currentSid: string): Promise<ActiveSession[]> {
    const ids = await this.sessions.idsBySub(sub);
    const found = await Promise.all(ids.map(async (id) => ({ id, data: await this.sessions.peek(id) })));
    return found
      .filter((s) => s.data?.user?.sub === sub)
      .map(({ id, data }) => ({
        id: sessionHandle(id),
        created_at: iso(data!.createdAt),
        last_seen_at: iso(data!.lastSeenAt),
        user_agent: data!.userAgent ?? null,
        current: id === currentSid,
      }))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  /** Ends one of the user's sessions by handle (revoking its refresh token); false when it is not theirs. */
  async revoke(sub: string, handle: string): Promise<boolean> {
    const ids = await this.sessions.idsBySub(sub);
    const id = ids.find((candidate) => sessionHandle(candidate) === handle);
    if (!id || (await this.sessions.peek(id))?.user?.sub !== sub) return false;
    const tokens = await this.sessions.destroyById(id);
    this.metrics.sessionEnded('revoked');
    if (tokens?.refreshToken) void this.oidc.revokeRefreshToken(tokens.refreshToken);
    this.audit.record('session_revoked', { sub, session: handle, reason: 'user' });
    return true;
  }
}
