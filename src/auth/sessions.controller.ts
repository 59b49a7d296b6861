import { Controller, Delete, Get, HttpCode, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { ActiveSessionList } from '../public-api.types.js';
import { RequireStepUp } from '../step-up/require-step-up.decorator.js';
import { REVOKE_SESSION_OPERATION, SessionsService } from './sessions.service.js';

/** The signed-in user's own sessions (DESIGN §5). JSON only; 401 from the global session guard. */
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
}
