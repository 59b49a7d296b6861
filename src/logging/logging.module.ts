import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog } from './audit-log.js';
import { ROOT_LOGGER } from './logger.js';

@Global()
@Module({})
export class LoggingModule {
  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, AuditLog],
      exports: [ROOT_LOGGER, AuditLog],
    };
  }
}
