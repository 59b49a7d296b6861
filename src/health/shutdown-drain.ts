import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ServerConfig } from '../config/config.schema.js';
import { SERVER_CONFIG } from '../config/config.tokens.js';
import { ROOT_LOGGER } from '../logging/logger.js';

/**
 * Readiness first, then the listener (docs/architecture.md#operations): on SIGTERM/SIGINT the process keeps
 * serving every request for `server.drainDelayMs` while `/readyz` answers 503, so a balancer that polls
 * readiness stops sending new connections before the listener closes; only then does Nest close the server
 * and let the requests in flight finish. Nest runs this hook before it closes the HTTP server and before
 * any module closes Redis or the upstream pool. `app.close()` without a signal (tests) does not wait.
 */
@Injectable()
export class ShutdownDrain implements BeforeApplicationShutdown {
  /** True from the shutdown signal on: readiness reports 503. */
  draining = false;

  constructor(
    @Inject(SERVER_CONFIG) private readonly server: ServerConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    if (!signal) return;
    this.draining = true;
    const delayMs = this.server.drainDelayMs;
    if (delayMs === 0) return;
    this.logger.info(
      { signal, drainDelayMs: delayMs },
      'shutdown: /readyz answers 503, still serving; the listener closes after the drain delay',
    );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
