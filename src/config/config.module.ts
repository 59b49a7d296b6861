import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { AppConfig } from './config.schema.js';
import {
  APP_CONFIG,
  AUTH_CONFIG,
  LOG_CONFIG,
  METRICS_CONFIG,
  MY_ACCOUNT_CONFIG,
  OIDC_CONFIG,
  REDIS_CONFIG,
  SERVER_CONFIG,
  SESSION_CONFIG,
  STEP_UP_CONFIG,
  TOKENS_CONFIG,
  WEB_CONFIG,
} from './config.tokens.js';

/** Provides the validated, frozen configuration and its namespaces everywhere (parsed once, in main). */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: config },
      { provide: SERVER_CONFIG, useValue: config.server },
      { provide: OIDC_CONFIG, useValue: config.oidc },
      { provide: SESSION_CONFIG, useValue: config.session },
      { provide: TOKENS_CONFIG, useValue: config.tokens },
      { provide: REDIS_CONFIG, useValue: config.redis },
      { provide: MY_ACCOUNT_CONFIG, useValue: config.myAccount },
      { provide: STEP_UP_CONFIG, useValue: config.stepUp },
      { provide: AUTH_CONFIG, useValue: config.auth },
      { provide: WEB_CONFIG, useValue: config.web },
      { provide: METRICS_CONFIG, useValue: config.metrics },
      { provide: LOG_CONFIG, useValue: config.log },
    ];
    return { module: ConfigModule, providers, exports: providers.map((p) => p.provide) };
  }
}
