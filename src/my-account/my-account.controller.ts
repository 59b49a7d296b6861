import { All, Controller, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AcceptsBearer } from '../bearer/accepts-bearer.decorator.js';
import { MyAccountProxy } from './my-account-proxy.service.js';

/**
 * The My Account proxy (docs/architecture.md#the-my-account-proxy). Its callers are a session or a bearer
 * caller (`@AcceptsBearer()`: the bearer guard has validated one before the session guard runs); the proxy
 * checks its route table, then resolves which caller it has and answers 401 when there is neither. The CSRF
 * guard applies first.
 */
@AcceptsBearer()
@Controller()
export class MyAccountController {
  constructor(private readonly proxy: MyAccountProxy) {}

  @All('api/me/v1/{*path}')
  forward(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.proxy.handle(req, res);
  }
}
