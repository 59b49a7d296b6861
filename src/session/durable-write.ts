import type { Logger } from 'pino';
import type { RedisConfig } from '../config/config.schema.js';
import type { RedisClient } from './redis.factory.js';

/** How many replicas must acknowledge a write that must survive the loss of its master, and how long to wait. */
export interface ReplicaWait {
  replicas: number;
  timeoutMs: number;
}

/**
 * `redis.waitReplicas` resolved: null means 1 when Sentinel or Cluster is configured (there are
 * replicas to wait for), else 0 (a single server has none; waiting would only add the timeout).
 */
export function replicaWaitOf(config: RedisConfig): ReplicaWait {
  const replicas = config.waitReplicas ?? (config.sentinel || config.cluster ? 1 : 0);
  return { replicas, timeoutMs: config.waitTimeoutMs };
}

/**
 * Runs one script of the session (a defined ioredis command) and, when replicas are configured, `WAIT`s
 * on the same connection (RED-6): Redis replication is asynchronous, so a new session or a rotated
 * refresh token acknowledged by the master alone is lost if that master dies before its replica copied
 * it. Sent as one pipeline so that on a Cluster the WAIT goes to the node that took the write.
 *
 * A WAIT that times out with fewer acknowledgements does not fail the request (the write is on the
 * master; failing would make every login depend on a replica being up): it is logged, and the write
 * is as durable as without WAIT. WAIT narrows the window, it does not close it: a failover may still
 * promote a replica that had not acknowledged.
 */
export async function runDurably<T>(
  redis: RedisClient,
  wait: ReplicaWait,
  logger: Logger | undefined,
  command: string,
  args: (string | number)[],
): Promise<T> {
  if (wait.replicas <= 0) {
    return (redis as unknown as Record<string, (...a: unknown[]) => Promise<T>>)[command](...args);
  }
  const pipeline = redis.pipeline() as unknown as Record<string, (...a: unknown[]) => unknown> & {
    wait(n: number, ms: number): unknown;
    exec(): Promise<Array<[Error | null, unknown]> | null>;
  };
  pipeline[command](...args);
  pipeline.wait(wait.replicas, wait.timeoutMs);
  const results = await pipeline.exec();
  if (!results) throw new Error('pipeline aborted');
  const [[err, value], [waitErr, acked]] = results;
  if (err) throw err;
  if (waitErr || Number(acked) < wait.replicas) {
    logger?.warn(
      { command, acked: waitErr ? null : acked, wanted: wait.replicas, err: waitErr?.message },
      'write not acknowledged by the replicas in time',
    );
  }
  return value as T;
}
