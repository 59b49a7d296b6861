import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { PAGE_HEADERS } from '../http/error-page.js';
import { LoginLoopDetected, StepUpLoopDetected } from './login-loop.errors.js';
import { loginLoopPage, stepUpLoopPage } from './login-loop.pages.js';

/** Renders the loop pages (they say more than the generic error page: what to check). */
@Catch(LoginLoopDetected, StepUpLoopDetected)
export class LoginLoopFilter implements ExceptionFilter {
  catch(err: LoginLoopDetected | StepUpLoopDetected, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const render = err instanceof LoginLoopDetected ? loginLoopPage : stepUpLoopPage;
    res
      .status(err.status)
      .set({ ...PAGE_HEADERS, ...err.headers, 'Cache-Control': 'no-store' })
      .send(render(err.retryAfterSeconds, err.returnTo));
  }
}
