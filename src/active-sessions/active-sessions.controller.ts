import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RequireStepUp } from '../step-up/require-step-up.decorator.js';
import { OtherSessions, REVOKE_OTHER_SESSIONS_OPERATION } from './other-sessions.service.js';

/**
 * `POST /api/sessions/revoke-others`: signs the user out of every other session (204). A POST on a
 * sub-resource rather than `DELETE /api/sessions?scope=others`: a query must not widen a DELETE.
 * `GET /api/sessions` and `DELETE /api/sessions/{id}` live in `src/auth/sessions.controller.ts`.
 */
@Controller('api/sessions')
export class ActiveSessionsController {
  constructor(private readonly others: OtherSessions) {}

  @Post('revoke-others')
  @HttpCode(204)
  @RequireStepUp(REVOKE_OTHER_SESSIONS_OPERATION)
  async revokeOthers(@Req() req: Request): Promise<void> {
    await this.others.revokeOthers(req);
  }
}
