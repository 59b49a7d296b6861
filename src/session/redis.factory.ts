import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisConfig } from '../config/config.schema.js';

/** DI token of the shared ioredis client (a `Redis` or a `Cluster`). Only `src/session/` uses it. */
export const REDIS_CLIENT = 'REDIS_CLIENT';
export type RedisClient = Redis | Cluster;

/**
 * Fail fast (RED-1): a per-command timeout, one retry per request, and no offline queue once the first
 * connection was made, so an outage answers 503 within the timeout instead of queueing for seconds.
 * Before the first `ready` the queue stays on, so commands at boot wait for the connection.
 */
function commonOptions(config: RedisConfig): RedisOptions {
  return {
    commandTimeout: config.commandTimeoutMs,
    connectTimeout: config.connectTimeoutMs,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    // A replica promoted under us answers READONLY: reconnect and resend (RED-4).
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
}

function credentials(url: URL): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  return {
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

export function createRedisClient(config: RedisConfig, logger: Logger): RedisClient {
  const url = new URL(config.url);
  let client: RedisClient;
  if (config.cluster) {
    client = new Cluster(
      config.cluster.nodes.map((n) => ({ ...n })),
      {
        redisOptions: { ...commonOptions(config), ...credentials(url) },
        enableOfflineQueue: true,
      },
    );
  } else if (config.sentinel) {
    client = new Redis({
      ...commonOptions(config),
      ...credentials(url),
      sentinels: config.sentinel.sentinels.map((s) => ({ ...s })),
      name: config.sentinel.name,
      sentinelPassword: config.sentinel.password ?? undefined,
    });
  } else {
    client = new Redis(config.url, commonOptions(config));
  }
  watch(client, logger);
  return client;
}

/** RED-2: always listen for errors; log state changes; stop queueing once the client has been ready. */
function watch(client: RedisClient, logger: Logger): void {
  let lastError = '';
  client.on('error', (err: Error) => {
    if (err.message !== lastError) logger.warn({ err: { message: err.message } }, 'redis error');
    lastError = err.message;
  });
  client.on('ready', () => {
    lastError = '';
    logger.info('redis ready');
    client.options.enableOfflineQueue = false;
  });
  client.on('reconnecting', () => logger.debug('redis reconnecting'));
}
