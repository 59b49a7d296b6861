import { Module } from '@nestjs/common';
import type { ServerConfig, SessionConfig } from '../config/config.schema.js';
import { SERVER_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { CSRF_OPTIONS, CsrfGuard, csrfOptionsFromConfig, type CsrfOptions } from './csrf.guard.js';

/**
 * The CSRF rules (docs/security.md#csrf) for every `/api/*` route (X-CSRF with the cookie and on embedded
 * login, Origin / Sec-Fetch-Site on writes, JSON bodies only): `CsrfGuard`, the first of the global guards
 * (app.module.ts registers them in order). Logout has its own rule here too (`checkLogoutCsrf`).
 */
@Module({
  providers: [
    {
      provide: CSRF_OPTIONS,
      inject: [SERVER_CONFIG, SESSION_CONFIG],
      useFactory: (server: ServerConfig, session: SessionConfig): CsrfOptions =>
        csrfOptionsFromConfig(server, session),
    },
    CsrfGuard,
  ],
  exports: [CsrfGuard],
})
export class CsrfModule {}
