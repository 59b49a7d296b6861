import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { AppModule, type AppModuleOptions } from './app.module.js';
import type { AppConfig } from './config/config.schema.js';
import { ConfigError } from './config/load-config.js';
import { loadConfigFromProcess } from './config/load-config-from-process.js';
import { BFF_VERSION } from './health/version.js';
import { bodyParsers } from './http/body-parsers.js';
import { noStore, requestId, securityHeaders } from './http/http-middleware.js';
import { classifyRequests } from './http/request-class.js';
import { sendProblem, toProblem } from './http/problem.js';
import { logProblem } from './http/problem-details.filter.js';
import { httpLogger } from './logging/http-logger.js';
import { createLogger, stdoutDestination } from './logging/logger.js';
import { Metrics } from './metrics/metrics.service.js';
import { requestMetrics } from './metrics/request-metrics.middleware.js';
import { PinoNestLogger } from './logging/pino-nest-logger.js';
import { ProxyHotPath, type RequestListener } from './my-account/proxy-hot-path.js';
import { OidcClient } from './oidc/oidc.client.js';

export interface CreateAppOptions extends Partial<AppModuleOptions> {
  /** Call `enableShutdownHooks` (SIGTERM/SIGINT → drain, close Redis). Off for in-process tests. */
  shutdownHooks?: boolean;
}

/**
 * Builds and initialises the BFF (not listening yet). Express-level middleware comes first so framework
 * answers (404, 405, 413, bad JSON) get the request id, the security headers and `no-store` too.
 */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<NestExpressApplication> {
  const logger = options.logger ?? createLogger(config.log.level);
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, { logger, oidcFetch: options.oidcFetch, imports: options.imports }),
    {
      bodyParser: false,
      logger: new PinoNestLogger(logger.child({ component: 'nest' })),
      abortOnError: false,
    },
  );
  app.set('trust proxy', config.server.trustProxy);
  app.disable('x-powered-by');
  // First: the request's class, decided once and read by every layer after (src/http/request-class.ts).
  app.use(classifyRequests());
  app.use(requestMetrics(app.get(Metrics)), requestId(), httpLogger(logger), securityHeaders(), noStore());
  app.use(bodyParsers(config.server.bodyLimit));
  if (options.shutdownHooks) app.enableShutdownHooks();
  await app.init();
  mountHotPath(app);
  // Errors raised by Express-level middleware (body parsers) that no Nest filter saw.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const problem = toProblem(err, req);
    logProblem(logger, req, problem, err);
    sendProblem(res, problem);
  });
  return app;
}

/**
 * The proxy's hot path (src/my-account/proxy-hot-path.ts) in front of Express on the http.Server: it takes
 * the plain reads it can answer and hands every other request to Express unchanged.
 */
function mountHotPath(app: NestExpressApplication): void {
  const server = app.getHttpServer();
  const hotPath = app.get(ProxyHotPath);
  for (const listener of server.listeners('request') as RequestListener[]) {
    server.removeListener('request', listener);
    server.on('request', hotPath.listener(listener));
  }
}

/** `node dist/main.js`: configuration from files and environment, listen, drain on SIGTERM. */
export async function bootstrap(): Promise<NestExpressApplication> {
  let config: AppConfig;
  try {
    config = loadConfigFromProcess();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger: Logger = createLogger(config.log.level, stdoutDestination());
  const app = await createApp(config, { logger, shutdownHooks: true });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Readiness 503 for the drain delay (ShutdownDrain), then Nest closes the server and lets requests in
    // flight finish; never longer than the grace period after the drain.
    const { drainDelayMs, shutdownGraceMs } = config.server;
    process.once(signal, () => setTimeout(() => process.exit(0), drainDelayMs + shutdownGraceMs).unref());
  }
  await app.listen(config.server.port);
  logger.info(
    {
      version: BFF_VERSION,
      port: config.server.port,
      publicOrigin: config.server.publicOrigin,
      issuer: config.oidc.issuer,
    },
    'bff listening',
  );
  void app
    .get(OidcClient)
    .discovery.whenReady()
    .then(() => logger.info('bff ready'));
  return app;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  bootstrap().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
