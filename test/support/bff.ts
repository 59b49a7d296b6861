import type { NestExpressApplication } from '@nestjs/platform-express';
import pino from 'pino';
import type { AppModuleOptions } from '../../src/app.module.js';
import type { AppConfig, ConfigInput } from '../../src/config/config.schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createApp } from '../../src/main.js';
import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';
import { OidcClient } from '../../src/oidc/oidc.client.js';
import { freePort } from './redis.js';

export interface TestBffOptions {
  /** Port to listen on (default: a free one). Pass the same port to `startTestTenant({ bffOrigin })`. */
  port?: number;
  /** The tenant's issuer (`startTestTenant().issuer`). */
  issuer: string;
  /** The test's Redis (`startTestRedis().url`). */
  redisUrl: string;
  /** Last word on the configuration (config/test.yaml + the values above), before validation. */
  configure?: (config: ConfigInput) => void;
  /** Replaces the fetch towards the tenant (tampering at the network seam). */
  oidcFetch?: OidcFetch;
  /** Feature modules to add (the gateway's). */
  imports?: AppModuleOptions['imports'];
  /** Wait for OIDC discovery before returning (default true). */
  waitForDiscovery?: boolean;
}

export interface TestBff {
  /** `http://localhost:<port>` */
  readonly url: string;
  readonly port: number;
  readonly config: AppConfig;
  readonly app: NestExpressApplication;
  close(): Promise<void>;
}

/**
 * The real BFF in-process, with `config/test.yaml` pointed at the test's tenant and Redis, listening on
 * `http://localhost:<port>` (browsers accept its Secure cookies there).
 */
export async function startTestBff(options: TestBffOptions): Promise<TestBff> {
  const port = options.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  const config = loadConfig({
    env: { NODE_ENV: 'test', PORT: String(port), PUBLIC_ORIGIN: url, OIDC_ISSUER: options.issuer, REDIS_URL: options.redisUrl },
    configure: options.configure,
  });
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? config.log.level });
  const app = await createApp(config, { logger, oidcFetch: options.oidcFetch, imports: options.imports });
  await app.listen(port, '127.0.0.1');
  if (options.waitForDiscovery !== false) {
    await withTimeout(app.get(OidcClient).discovery.whenReady(), 10_000, `OIDC discovery of ${options.issuer}`);
  }
  return { url, port, config, app, close: () => app.close() };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
