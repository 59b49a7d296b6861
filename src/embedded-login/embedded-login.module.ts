import { type DynamicModule, Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { EmbeddedGrants } from '../oidc/embedded-grants.js';
import { RedisAdapter } from '../session/redis.adapter.js';
import { EmbeddedLoginController } from './embedded-login.controller.js';
import { JsonRequestGuard, PasswordLoginEnabledGuard } from './embedded-login.guards.js';
import {
  DEFAULT_REALM,
  EMBEDDED_LOGIN_OPTIONS,
  type EmbeddedLoginOptions,
} from './embedded-login.options.js';
import { EmbeddedLogin } from './embedded-login.service.js';
import { EmbeddedSession } from './embedded-session.js';
import { PasskeyLogin } from './passkey-login.service.js';
import { PasskeyLoginStore } from './passkey-login.store.js';
import { PasswordLogin } from './password-login.service.js';

/**
 * `POST /api/login/passkey/challenge`, `POST /api/login/passkey`, `POST /api/login/password`.
 * Needs `RateLimitModule` in the app (its guard counts these routes).
 */
@Module({})
export class EmbeddedLoginModule {
  static forRoot(options: EmbeddedLoginOptions = {}): DynamicModule {
    return {
      module: EmbeddedLoginModule,
      imports: [AuthModule],
      controllers: [EmbeddedLoginController],
      providers: [
        { provide: EMBEDDED_LOGIN_OPTIONS, useValue: { realm: options.realm ?? DEFAULT_REALM } },
        {
          provide: PasskeyLoginStore,
          inject: [RedisAdapter],
          useFactory: (store: RedisAdapter) => new PasskeyLoginStore(store),
        },
        EmbeddedGrants,
        EmbeddedSession,
        EmbeddedLogin,
        PasskeyLogin,
        PasswordLogin,
        JsonRequestGuard,
        PasswordLoginEnabledGuard,
      ],
    };
  }
}
