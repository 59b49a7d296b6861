import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Logger } from 'pino';
import type { AppModuleOptions } from '../../src/app.module.js';
import type { AppConfig, ConfigInput } from '../../src/config/config.schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/logging/logger.js';
import { createApp } from '../../src/main.js';
import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';
import { OidcClient } from '../../src/oidc/oidc.client.js';
import type { CookieClient } from './cookie-client.js';
import {
  captureResponses,
  type LeakCheckOptions,
  LeakRecorder,
  recordingFetch,
  recordingLogger,
} from './leak-recorder.js';
import { freePort } from './redis.js';
import { completeTenantLogin, type TenantCredentials } from './tenant-login.js';
import { DEMO_USER } from './seed-users.js';

export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

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
  /** The BFF's logger (default: pino at TEST_LOG_LEVEL or config/test.yaml's level). */
  logger?: Logger;
  /** The token-leak check run by `close()` (leak-recorder.ts): paths of test-only routes that echo a token. */
  leakCheck?: LeakCheckOptions;
  /** Wait for OIDC discovery before returning (default true). */
  waitForDiscovery?: boolean;
}

export interface TestBff {
  /** `http://localhost:<port>` */
  readonly url: string;
  readonly port: number;
  readonly config: AppConfig;
  readonly app: NestExpressApplication;
  /** What the leak check saw (tokens from the identity provider, responses, log lines). */
  readonly leaks: LeakRecorder;
  /** Fails (after shutting down) when a response or log line held a token the BFF received. */
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
    env: {
      NODE_ENV: 'test',
      PORT: String(port),
      PUBLIC_ORIGIN: url,
      OIDC_ISSUER: options.issuer,
      REDIS_URL: options.redisUrl,
    },
    configure: options.configure,
  });
  const leaks = new LeakRecorder(options.leakCheck);
  const logger = recordingLogger(
    leaks,
    options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? config.log.level),
  );
  const oidcFetch = recordingFetch(leaks, options.oidcFetch);
  const app = await createApp(config, { logger, oidcFetch, imports: options.imports });
  captureResponses(leaks, app.getHttpServer());
  await app.listen(port, '127.0.0.1');
  if (options.waitForDiscovery !== false) {
    await withTimeout(
      app.get(OidcClient).discovery.whenReady(),
      10_000,
      `OIDC discovery of ${options.issuer}`,
    );
  }
  const close = async () => {
    await app.close();
    leaks.check();
  };
  return { url, port, config, app, leaks, close };
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

/**
 * A whole browser login through the BFF: `/auth/login<query>`, the tenant's pages, the callback. Returns
 * the callback's answer (302 to returnTo on success, the 400/503 page otherwise).
 */
export async function loginThroughBff(
  client: CookieClient,
  bffUrl: string,
  query = '',
  credentials: TenantCredentials = DEMO_USER,
) {
  const start = await client.get(`${bffUrl}/auth/login${query}`);
  if (start.status !== 302 || !start.location)
    throw new Error(`/auth/login answered ${start.status}: ${start.body.slice(0, 200)}`);
  const callback = await completeTenantLogin(client, start.location, credentials);
  return client.get(callback);
}
