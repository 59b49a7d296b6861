import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { AuthConfig } from '../config/config.schema.js';
import { AUTH_CONFIG } from '../config/config.tokens.js';
import { isJsonContentType } from '../csrf/check-csrf.js';
import { UnsupportedMediaType } from '../csrf/csrf-errors.js';
import { PasswordLoginDisabled } from './embedded-login-errors.js';

/**
 * Login CSRF (CSRF-6, docs/architecture.md#the-http-surface): besides `X-CSRF: 1` and a same-origin `Origin`
 * / `Sec-Fetch-Site` (the global CsrfGuard), every embedded-login request declares `Content-Type:
 * application/json`, even without a body: no HTML form can send that.
 */
@Injectable()
export class JsonRequestGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!isJsonContentType(req.headers['content-type']))
      throw new UnsupportedMediaType('The request must be Content-Type: application/json');
    return true;
  }
}

/** `POST /api/login/password` exists only when `auth.passwordLogin.enabled` (default off): 404 otherwise. */
@Injectable()
export class PasswordLoginEnabledGuard implements CanActivate {
  constructor(@Inject(AUTH_CONFIG) private readonly auth: AuthConfig) {}

  canActivate(): boolean {
    if (!this.auth.passwordLogin.enabled) throw new PasswordLoginDisabled();
    return true;
  }
}
