import { Controller, Get, Req } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionInfo } from '../public-api.types.js';
import { SessionInfoService } from './session-info.service.js';

/** `GET /api/session`: JSON, never a redirect; 401 `login_required` comes from the global guard. */
@Controller('api')
export class SessionController {
  constructor(private readonly info: SessionInfoService) {}

  @Get('session')
  session(@Req() req: Request): Promise<SessionInfo> {
    return this.info.describe(req);
  }
}
