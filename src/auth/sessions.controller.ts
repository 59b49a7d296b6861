import { Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ActiveSessionList } from '../public-api.types.js';
import { RequireStepUp } from '../step-up/require-step-up.decorator.js';
import {
  REVOKE_OTHER_SESSIONS_OPERATION,
  REVOKE_SESSION_OPERATION,
  SessionsService,
} from './sessions.service.js';

/**
 * The signed-in user's own sessions (docs/architecture.md#the-http-surface). JSON only; 401 from the global
 * session guard. "Sign out everywhere else" is a POST on a sub-resource, not `DELETE
 * /api/sessions?scope=others`: a query must not widen a DELETE.
 */
@Controller('api/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  list(@Req() req: Request): Promise<ActiveSessionList> {
    return this.sessions.list(req);
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireStepUp(REVOKE_SESSION_OPERATION)
  async revoke(@Req() req: Request, @Param('id') id: string): Promise<void> {
    await this.sessions.revoke(req, id);
  }

  @Post('revoke-others')
  @HttpCode(204)
  @RequireStepUp(REVOKE_OTHER_SESSIONS_OPERATION)
  async revokeOthers(@Req() req: Request): Promise<void> {
    await this.sessions.revokeOthers(req);
  }
}
