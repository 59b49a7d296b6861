import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { MyAccountProxy } from './my-account-proxy.service.js';

/**
 * The My Account proxy (docs/architecture.md#the-my-account-proxy). `@Public()` for the session guard only:
 * the proxy resolves its caller itself (a session, or a validated bearer caller without one) and answers 401
 * when there is neither. The CSRF guard still applies.
 */
@Public()
@Controller()
export class MyAccountController {
  constructor(private readonly proxy: MyAccountProxy) {}

  @All('api/me/v1/{*path}')
  forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.proxy.handle(req, res);
  }
}
