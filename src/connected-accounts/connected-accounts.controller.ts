import { Controller, Get, Redirect, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { ConnectCallbackService } from './connect-callback.service.js';
import { sendCallbackOutcome } from './connect-responses.js';
import { ConnectStartService } from './connect-start.service.js';

/**
 * Connected accounts as browser navigations (docs/architecture.md#the-http-surface): they redirect; errors
 * render the small page. `@Public()`: without a session the start sends the browser to the login, the
 * callback says so itself.
 */
@Public()
@Controller('auth/connect')
export class ConnectedAccountsController {
  constructor(
    private readonly starter: ConnectStartService,
    private readonly callback: ConnectCallbackService,
  ) {}

  @Get()
  @Redirect()
  async start(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return { url: await this.starter.start(req, res), statusCode: 302 };
  }

  @Get('callback')
  async finish(@Req() req: Request, @Res() res: Response) {
    sendCallbackOutcome(res, await this.callback.finish(req));
  }
}
