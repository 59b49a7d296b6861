import { Cluster, type ClusterOptions, type Command, Redis, type RedisOptions } from 'ioredis';
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
    // Reconnect at a flat, short pace: a restarted server, or (Sentinel) the promoted master once a
    // sentinel names it, serves again within ~200 ms, not after an exponential back-off of seconds. A
    // reconnect is one TCP connect; five a second while Redis is down costs nothing.
    retryStrategy: (attempt) => Math.min(50 * attempt, 200),
    // A replica promoted under us, or a master demoted (Sentinel failover), answers READONLY: reconnect
    // (Sentinel asks for the new master) and resend, within the command's deadline (RED-4).
    reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
  };
}

/**
 * Cluster (RED-5): MOVED, ASK, TRYAGAIN, CLUSTERDOWN and a closed node connection are retried by
 * ioredis after a slot refresh, every 100 ms, so a command finds the promoted replica as soon as the
 * cluster knows it; the command's deadline (below) bounds those retries, so a failover answers 503 in
 * time instead of after 16 redirections (~2 s).
 */
function clusterOptions(config: RedisConfig, url: URL): ClusterOptions {
  const step = Math.max(20, Math.min(100, Math.floor(config.commandTimeoutMs / 5)));
  return {
    redisOptions: { ...commonOptions(config), ...credentials(url) },
    enableOfflineQueue: true,
    retryDelayOnFailover: step,
    retryDelayOnClusterDown: step,
    retryDelayOnTryAgain: step,
    retryDelayOnMoved: 0,
    maxRedirections: 16,
    // A stalled node holds a slot refresh at most this long (a refresh is not a request: it may take
    // longer than one command); refresh regularly as well, so a promotion is seen even by an instance
    // with no traffic on that slot.
    slotsRefreshTimeout: config.connectTimeoutMs,
    slotsRefreshInterval: 2000,
    clusterRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 1000),
  };
}

/**
 * One deadline per command from its first attempt (`commandTimeoutMs`): ioredis starts a command's
 * timer only when a node connection takes it, so retries of a Cluster command that never reached a
 * node (connection closed, CLUSTERDOWN) would otherwise run unbounded. The timer is set once; later
 * attempts keep it.
 */
function withCommandDeadline(cluster: Cluster, ms: number): void {
  const send = cluster.sendCommand.bind(cluster);
  cluster.sendCommand = (command: Command, ...rest: unknown[]) => {
    command.setTimeout(ms);
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
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
    const cluster = new Cluster(
      config.cluster.nodes.map((n) => ({ ...n })),
      clusterOptions(config, url),
    );
    withCommandDeadline(cluster, config.commandTimeoutMs);
    client = cluster;
  } else if (config.sentinel) {
    client = new Redis({
      ...commonOptions(config),
      ...credentials(url),
      sentinels: config.sentinel.sentinels.map((s) => ({ ...s })),
      name: config.sentinel.name,
      sentinelPassword: config.sentinel.password ?? undefined,
      // RED-3: ask the sentinels again soon after losing the master; a failover takes them ~1-2 s.
      sentinelRetryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 500),
      // No failover detector: a failover already reaches us (the old master drops its clients, a
      // demoted one answers READONLY, see reconnectOnError), while the detector subscribes to every
      // sentinel anew after each reconnect and disconnects again when a slower sentinel announces the
      // same failover, up to 2 s later, cutting a connection to the right master.
      failoverDetector: false,
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
