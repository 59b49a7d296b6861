import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { AuditLog } from './audit-log.js';
import { flushLogsSync, ROOT_LOGGER } from './logger.js';

@Global()
@Module({})
export class LoggingModule implements OnApplicationShutdown {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  /**
   * The last hook before Nest re-raises SIGTERM, which ends the process without an `exit` event: write
   * what the asynchronous destination still holds (`stdoutDestination`), so the shutdown lines are kept.
   */
  onApplicationShutdown(): void {
    flushLogsSync(this.logger);
  }

  static forRoot(logger: Logger): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: ROOT_LOGGER, useValue: logger }, AuditLog],
      exports: [ROOT_LOGGER, AuditLog],
    };
  }
}
