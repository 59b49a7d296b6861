import { Body, Controller, Get, HttpCode, Post, Redirect, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { BackchannelLogoutService } from './backchannel-logout.service.js';
import { CallbackService } from './callback.service.js';
import { LoginLoopFilter } from './login-loop.filter.js';
import { LoginService } from './login.service.js';
import { LogoutService } from './logout.service.js';
import { AuthResponses } from './auth-responses.js';
import { Public } from './public.decorator.js';

/** Browser navigations (docs/architecture.md#the-http-surface): they redirect; errors render a small page. */
@Controller('auth')
export class AuthController {
  constructor(
    private readonly login: LoginService,
    private readonly callback: CallbackService,
    private readonly logoutService: LogoutService,
    private readonly backchannel: BackchannelLogoutService,
    private readonly responses: AuthResponses,
  ) {}

  @Public()
  @Get('login')
  @UseFilters(LoginLoopFilter)
  @Redirect()
  async startLogin(@Req() req: Request, @Res({ passthrough: true }) res: Response) {
    return { url: await this.login.start(req, res), statusCode: 302 };
  }

  @Public()
  @Get('callback')
  async finishLogin(@Req() req: Request, @Res() res: Response) {
    this.responses.loggedIn(res, await this.callback.finish(req, res));
  }

  @Public()
  @Post('logout')
  async logout(@Req() req: Request, @Res() res: Response) {
    this.responses.loggedOut(res, this.logoutService.styleOf(req), await this.logoutService.logout(req));
  }

  @Public()
  @Post('backchannel-logout')
  @HttpCode(200)
  async backchannelLogout(@Body() body: unknown): Promise<void> {
    await this.backchannel.logout(body);
  }
}
