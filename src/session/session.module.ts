import {
  Global,
  Inject,
  type MiddlewareConsumer,
  Module,
  type NestModule,
  type OnApplicationShutdown,
  RequestMethod,
} from '@nestjs/common';
import type { Logger } from 'pino';
import type { RedisConfig, SessionConfig, TokensConfig } from '../config/config.schema.js';
import { REDIS_CONFIG, SESSION_CONFIG, TOKENS_CONFIG } from '../config/config.tokens.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { REPLAY_GUARD } from '../oidc/replay-guard.js';
import { Metrics } from '../metrics/metrics.service.js';
import { AccessTokens } from './access-tokens.service.js';
import { replicaWaitOf } from './durable-write.js';
import { ReplayCache } from './replay-cache.js';
import { RedisAdapter } from './redis.adapter.js';
import { createRedisClient, REDIS_CLIENT, type RedisClient } from './redis.factory.js';
import { observeStoreCommands } from './redis-observer.js';
import { RedisSessionStore } from './redis-session.store.js';
import { SessionLock } from './session-lock.js';
import { SessionScripts } from './session-scripts.js';
import { createSessionMiddleware } from './session.middleware.js';
import { SessionService } from './session.service.js';
import { TokenCipher } from './token-cipher.js';
import { TokenStore } from './token.store.js';
import { UserSessions } from './user-sessions.service.js';

/**
 * Redis, the session store and middleware, token records, spent login states. Global: one per app. The
 * Redis client stays inside: other features get `RedisAdapter` (docs/architecture.md#the-redis-keyspace).
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [REDIS_CONFIG, ROOT_LOGGER, Metrics],
      useFactory: (config: RedisConfig, logger: Logger, metrics: Metrics) => {
        const client = createRedisClient(config, logger.child({ component: 'redis' }));
        observeStoreCommands(client, metrics);
        return client;
      },
    },
    {
      provide: RedisSessionStore,
      inject: [REDIS_CLIENT, SESSION_CONFIG, Metrics, REDIS_CONFIG, ROOT_LOGGER],
      useFactory: (
        redis: RedisClient,
        config: SessionConfig,
        metrics: Metrics,
        redisConfig: RedisConfig,
        logger: Logger,
      ) =>
        new RedisSessionStore(redis, config, Date.now, () => metrics.sessionEnded('expired'), {
          wait: replicaWaitOf(redisConfig),
          logger: logger.child({ component: 'redis' }),
        }),
    },
    {
      provide: TokenCipher,
      inject: [TOKENS_CONFIG],
      useFactory: (config: TokensConfig) => new TokenCipher(config),
    },
    {
      provide: TokenStore,
      inject: [REDIS_CLIENT, RedisSessionStore, TokenCipher, SESSION_CONFIG, REDIS_CONFIG, ROOT_LOGGER],
      useFactory: (
        redis: RedisClient,
        store: RedisSessionStore,
        cipher: TokenCipher,
        config: SessionConfig,
        redisConfig: RedisConfig,
        logger: Logger,
      ) =>
        new TokenStore(
          redis,
          store.keys,
          new SessionScripts(redis),
          cipher,
          config.idleTimeoutSeconds * 1000,
          config.retryAfterSeconds,
          { wait: replicaWaitOf(redisConfig), logger: logger.child({ component: 'redis' }) },
        ),
    },
    {
      provide: ReplayCache,
      inject: [REDIS_CLIENT, RedisSessionStore, SESSION_CONFIG],
      useFactory: (redis: RedisClient, store: RedisSessionStore, config: SessionConfig) =>
        new ReplayCache(redis, store.keys, config.retryAfterSeconds),
    },
    // What the other features get of Redis: the keyspace, single-use stores, counters, readiness.
    {
      provide: RedisAdapter,
      inject: [REDIS_CLIENT, RedisSessionStore, SESSION_CONFIG],
      useFactory: (redis: RedisClient, store: RedisSessionStore, config: SessionConfig) =>
        new RedisAdapter(redis, store.keys, config.retryAfterSeconds),
    },
    // The identity provider adapter's replay check (logout-token jti) is this store's ReplayCache.
    { provide: REPLAY_GUARD, useExisting: ReplayCache },
    {
      provide: SessionLock,
      inject: [REDIS_CLIENT, RedisSessionStore, SESSION_CONFIG],
      useFactory: (redis: RedisClient, store: RedisSessionStore, config: SessionConfig) =>
        new SessionLock(redis, store.keys, config.retryAfterSeconds),
    },
    SessionService,
    UserSessions,
    AccessTokens,
  ],
  exports: [
    RedisAdapter,
    RedisSessionStore,
    TokenCipher,
    TokenStore,
    ReplayCache,
    REPLAY_GUARD,
    SessionLock,
    SessionService,
    UserSessions,
    AccessTokens,
  ],
})
export class SessionModule implements NestModule, OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient,
    private readonly store: RedisSessionStore,
    @Inject(SESSION_CONFIG) private readonly config: SessionConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Sessions exist only where they are used: the middleware skips every request outside the session
   * classes (`/auth/*`, `/api/*`: src/http/request-class.ts).
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply(createSessionMiddleware(this.config, this.store, this.logger))
      .forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
