import { Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { BffError } from '../http/bff-error.js';
import type { ActiveSessionList } from '../public-api.types.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { UserSessions } from '../session/user-sessions.service.js';

/**
 * Step-up operation names of `DELETE /api/sessions/{id}` and `POST /api/sessions/revoke-others`: the
 * controller marks them with `@RequireStepUp` (docs/architecture.md#where-each-rule-lives).
 */
export const REVOKE_SESSION_OPERATION = 'revokeSession';
export const REVOKE_OTHER_SESSIONS_OPERATION = 'revokeOtherSessions';

export class SessionNotFound extends BffError {
  constructor() {
    super({ status: 404, code: 'not_found', title: 'Not found', detail: 'No session of yours has this id.' });
  }
}

/**
 * `GET /api/sessions`, `DELETE /api/sessions/{id}` and `POST /api/sessions/revoke-others` ("sign out
 * everywhere else", SES-11: offered after a factor change): the user's own sessions; revoking needs fresh MFA
 * (`@RequireStepUp` on the routes: `StepUpGuard` has decided before these methods run).
 * A revoked session's refresh token is revoked at the tenant (best effort) and an audit line is written.
 */
@Injectable()
export class SessionsService {
  constructor(
    private readonly sessions: SessionService,
    private readonly userSessions: UserSessions,
  ) {}

  async list(req: Request): Promise<ActiveSessionList> {
    const { id, data } = this.sessions.require(req);
    return { sessions: await this.userSessions.list(data.user.sub, id) };
  }

  async revoke(req: Request, handle: string): Promise<void> {
    const { data } = this.sessions.require(req);
    if (!(await this.userSessions.revoke(data.user.sub, handle))) throw new SessionNotFound();
  }

  /** Ends every other session of the user; returns how many were ended. */
  async revokeOthers(req: Request): Promise<number> {
    const { id, data } = this.sessions.require(req);
    const others = (await this.sessions.idsBySub(data.user.sub)).filter((other) => other !== id);
    let revoked = 0;
    for (const other of others) {
      if (await this.userSessions.revoke(data.user.sub, sessionHandle(other))) revoked++;
    }
    return revoked;
  }
}
