import type { ConfigInput } from '../../src/config/config.schema.js';
import { type Balancer, startBalancer } from './balancer.js';
import { type BffProcess, type BffProcessOptions, startBffProcesses } from './bff-process.js';
import { freePort, startTestRedis, type TestRedis } from './redis.js';
import { startTestTenant, type TestTenant } from './tenant.js';

/** Several BFF OS processes behind one balancer (one origin), the tenant, and their Redis. */
export interface ProcessStack {
  /** The balancer: the origin browsers use. */
  readonly url: string;
  readonly balancer: Balancer;
  readonly processes: BffProcess[];
  readonly tenant: TestTenant;
  /** The BFF's Redis when the stack started one (no `redis` option). */
  readonly redis?: TestRedis;
  close(): Promise<void>;
}

export interface ProcessStackOptions {
  /** How many BFF processes (default 2). */
  processes?: number;
  /**
   * The BFF's Redis settings (`redis:` of the config: url, sentinel or cluster, timeouts). Default: a
   * single Redis started for the stack. The tenant always has its own Redis, so store faults hit the
   * BFF only.
   */
  redis?: Partial<ConfigInput['redis']>;
  /** Other settings over config/test.yaml for every process. */
  config?: BffProcessOptions['config'];
}

export async function startProcessStack(options: ProcessStackOptions = {}): Promise<ProcessStack> {
  const tenantRedis = await startTestRedis();
  const started: Array<{ close(): Promise<void> }> = [tenantRedis];
  try {
    let redis: TestRedis | undefined;
    if (!options.redis) {
      redis = await startTestRedis();
      started.push(redis);
    }
    const port = await freePort();
    const origin = `http://localhost:${port}`;
    const tenant = await startTestTenant({ redisUrl: tenantRedis.url, bffOrigin: origin });
    started.push(tenant);
    const processes = await startBffProcesses(options.processes ?? 2, {
      issuer: tenant.issuer,
      publicOrigin: origin,
      config: { ...options.config, redis: options.redis ?? { url: redis?.url } },
    });
    started.push(...processes);
    const balancer = await startBalancer(
      processes.map((p) => p.url),
      port,
    );
    started.push(balancer);
    return {
      url: balancer.url,
      balancer,
      processes,
      tenant,
      redis,
      close: () => closeAll(started),
    };
  } catch (err) {
    await closeAll(started);
    throw err;
  }
}

/** Stops in reverse order of start; every part is stopped even when one fails. */
async function closeAll(parts: Array<{ close(): Promise<void> }>): Promise<void> {
  let failure: unknown;
  for (const part of [...parts].reverse()) {
    try {
      await part.close();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
}
