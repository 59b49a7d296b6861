import { Body, Controller, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { SessionInfoService } from '../auth/session-info.service.js';
import type { SessionInfo } from '../public-api.types.js';
import { RateLimit } from '../rate-limit/rate-limit.decorator.js';
import { JsonRequestGuard, PasswordLoginEnabledGuard } from './embedded-login.guards.js';
import { type PasskeyChallengeResponse, PasskeyLogin } from './passkey-login.service.js';
import { PasswordLogin } from './password-login.service.js';

/**
 * Embedded login (docs/architecture.md#the-http-surface): JSON in, JSON out, never a redirect. Public (no
 * session needed); login CSRF from the global CsrfGuard (`/api/login/*` always needs `X-CSRF: 1`) plus
 * JsonRequestGuard; counted per client IP. A success answers the new session's `SessionInfo` (its cookie is
 * set).
 */
@Controller('api/login')
@Public()
@UseGuards(JsonRequestGuard)
export class EmbeddedLoginController {
  constructor(
    private readonly passkey: PasskeyLogin,
    private readonly password: PasswordLogin,
    private readonly info: SessionInfoService,
  ) {}

  @Post('passkey/challenge')
  @HttpCode(200)
  @RateLimit('embedded-login')
  challenge(
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PasskeyChallengeResponse> {
    return this.passkey.challenge(req, res);
  }

  @Post('passkey')
  @HttpCode(200)
  @RateLimit('embedded-login')
  async passkeyLogin(@Req() req: Request, @Body() body: unknown): Promise<SessionInfo> {
    await this.passkey.finish(req, body);
    return this.info.describe(req);
  }

  // Guards run bottom-up here: disabled (404) before any budget is spent.
  @Post('password')
  @HttpCode(200)
  @RateLimit('embedded-login', 'password-login')
  @UseGuards(PasswordLoginEnabledGuard)
  async passwordLogin(@Req() req: Request, @Body() body: unknown): Promise<SessionInfo> {
    await this.password.login(req, body);
    return this.info.describe(req);
  }
}
