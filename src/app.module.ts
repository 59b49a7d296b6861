import { type DynamicModule, type ForwardReference, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import { SessionGuard } from './auth/session.guard.js';
import { BearerGuard } from './bearer/bearer.guard.js';
import { BearerModule } from './bearer/bearer.module.js';
import type { AppConfig } from './config/config.schema.js';
import { ConfigModule } from './config/config.module.js';
import { ConnectedAccountsModule } from './connected-accounts/connected-accounts.module.js';
import { CsrfGuard } from './csrf/csrf.guard.js';
import { CsrfModule } from './csrf/csrf.module.js';
import { EmbeddedLoginModule } from './embedded-login/embedded-login.module.js';
import { HealthModule } from './health/health.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { MyAccountModule } from './my-account/my-account.module.js';
import type { OidcFetch } from './oidc/oidc-fetch.js';
import { OidcModule } from './oidc/oidc.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { SessionModule } from './session/session.module.js';
import { StepUpModule } from './step-up/step-up.module.js';
import { WebModule } from './web/web.module.js';

type ModuleImport = Type | DynamicModule | Promise<DynamicModule> | ForwardReference;

export interface AppModuleOptions {
  logger: Logger;
  /** Replaces the fetch used towards the identity provider (tests, at the network seam). */
  oidcFetch?: OidcFetch;
  /** Feature modules added by the gateway (My Account proxy, step-up, CSRF, ...). */
  imports?: ModuleImport[];
}

/**
 * The global guards, in the order they run (docs/architecture.md#the-request-pipeline): the CSRF rules
 * (for the API classes), then bearer callers on `@AcceptsBearer()` routes, then the session guard
 * (`@Public()` opts out; on `@AcceptsBearer()` routes the session or the validated bearer caller). Route
 * guards (`@RateLimit`, `@RequireStepUp`) run after these. Registered here, in this order, and nowhere else.
 */
export const GLOBAL_GUARDS = [CsrfGuard, BearerGuard, SessionGuard] as const;

/**
 * The BFF: configuration and logging first, then Redis sessions, the OIDC adapter, the auth routes,
 * health, the account page. One global error filter and the global guards (`GLOBAL_GUARDS`, in order).
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(options.logger),
        MetricsModule.forRoot(config.metrics),
        CsrfModule,
        SessionModule,
        OidcModule.forRoot({ fetch: options.oidcFetch }),
        // The one step-up policy and StepUpGuard (applied per route by @RequireStepUp).
        StepUpModule,
        AuthModule,
        HealthModule,
        RateLimitModule.forRoot({ policies: config.rateLimit }),
        EmbeddedLoginModule.forRoot({ realm: config.auth.realm }),
        MyAccountModule,
        BearerModule,
        ConnectedAccountsModule,
        ...(options.imports ?? []),
        // Last: its catch-all static middleware must not shadow the routes above.
        WebModule.forRoot({ enabled: config.web.enabled }),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        ...GLOBAL_GUARDS.map((guard) => ({ provide: APP_GUARD, useExisting: guard })),
      ],
    };
  }
}
