import { startTestBff, type TestBff, type TestBffOptions } from './bff.js';
import { freePort, startTestRedis, type TestRedis } from './redis.js';
import { startTestTenant, type TestTenant, type TestTenantOptions } from './tenant.js';

/** What most end-to-end tests run: a private Redis, the local tenant and the BFF registered at it. */
export interface TestStack {
  readonly redis: TestRedis;
  readonly tenant: TestTenant;
  readonly bff: TestBff;
  close(): Promise<void>;
}

export interface TestStackOptions {
  /** Tenant options besides its Redis and the BFF's origin (set here). */
  tenant?: Omit<TestTenantOptions, 'redisUrl' | 'bffOrigin'>;
  /** BFF options besides its port, issuer and Redis (set here). */
  bff?: Omit<TestBffOptions, 'port' | 'issuer' | 'redisUrl'>;
  /**
   * Browsers reach the BFF through a front (a reverse proxy the test starts) on this port: it becomes the
   * BFF's public origin and the tenant's redirect target; the BFF itself listens on another free port.
   */
  frontPort?: number;
}

/**
 * Starts Redis, the tenant (with the `myaccount-bff` client's URIs pointed at the BFF's free port) and the
 * BFF. If a part fails to start, the parts already started are stopped.
 */
export async function startTestStack(options: TestStackOptions = {}): Promise<TestStack> {
  const redis = await startTestRedis();
  let tenant: TestTenant | undefined;
  try {
    const port = await freePort();
    const publicOrigin = `http://localhost:${options.frontPort ?? port}`;
    tenant = await startTestTenant({ ...options.tenant, redisUrl: redis.url, bffOrigin: publicOrigin });
    const configure = options.bff?.configure;
    const bff = await startTestBff({
      ...options.bff,
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      configure: (config) => {
        if (options.frontPort) config.server = { ...config.server, publicOrigin };
        configure?.(config);
      },
    });
    const parts = { redis, tenant, bff };
    return { ...parts, close: () => closeTestStack(parts) };
  } catch (err) {
    await closeTestStack({ redis, tenant });
    throw err;
  }
}

/**
 * Stops the BFF, then the tenant, then Redis; every part is stopped even when an earlier one fails (the
 * BFF's close() fails a suite whose responses or logs held a token), and the first failure is rethrown.
 */
export async function closeTestStack(parts: {
  bff?: TestBff;
  tenant?: TestTenant;
  redis?: TestRedis;
}): Promise<void> {
  let failure: unknown;
  for (const part of [parts.bff, parts.tenant, parts.redis]) {
    try {
      await part?.close();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
}

/** The running stack of a `describeWithStack` block; reading a part before `beforeAll` ran throws. */
export interface StackParts {
  readonly redis: TestRedis;
  readonly tenant: TestTenant;
  readonly bff: TestBff;
}

/**
 * `describe(name, body)` around the usual stack: started in `beforeAll` (with `options`, or what the
 * function returns when it runs, for options that need something set up first), closed in `afterAll` after
 * the body's own `afterAll` hooks (Jest runs them in declaration order), so the body stops what it started
 * on top of the stack first. The body reads the parts through `stack`.
 */
export function describeWithStack(
  name: string,
  options: TestStackOptions | (() => TestStackOptions | Promise<TestStackOptions>),
  body: (stack: StackParts) => void,
): void {
  describe(name, () => {
    let running: TestStack | undefined;
    beforeAll(async () => {
      running = await startTestStack(typeof options === 'function' ? await options() : options);
    });
    const part = <K extends keyof StackParts>(key: K): StackParts[K] => {
      if (!running) throw new Error(`${name}: the test stack is not running`);
      return running[key];
    };
    body({
      get redis() {
        return part('redis');
      },
      get tenant() {
        return part('tenant');
      },
      get bff() {
        return part('bff');
      },
    });
    afterAll(async () => {
      await running?.close();
    });
  });
}
