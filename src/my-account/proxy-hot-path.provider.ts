import type { Provider } from '@nestjs/common';
import type { Logger } from 'pino';
import type { ServerConfig, SessionConfig } from '../config/config.schema.js';
import { SERVER_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { csrfOptionsFromConfig } from '../csrf/csrf.guard.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { Metrics } from '../metrics/metrics.service.js';
import { RedisSessionStore } from '../session/redis-session.store.js';
import { cookieSecretKeys } from '../session/signed-cookie.js';
import { TokenStore } from '../session/token.store.js';
import { MyAccountGateway } from './my-account-gateway.js';
import { MyAccountProxy } from './my-account-proxy.service.js';
import { ProxyCallers } from './proxy-callers.js';
import { ProxyHotPath } from './proxy-hot-path.js';

/** The proxy's hot path over the same store, gateway, caller rules and proxy as the full path. */
export const PROXY_HOT_PATH_PROVIDER: Provider = {
  provide: ProxyHotPath,
  inject: [
    RedisSessionStore,
    TokenStore,
    MyAccountGateway,
    ProxyCallers,
    MyAccountProxy,
    SERVER_CONFIG,
    SESSION_CONFIG,
    ROOT_LOGGER,
    Metrics,
  ],
  useFactory: (
    store: RedisSessionStore,
    tokens: TokenStore,
    gateway: MyAccountGateway,
    callers: ProxyCallers,
    proxy: MyAccountProxy,
    server: ServerConfig,
    session: SessionConfig,
    logger: Logger,
    metrics: Metrics,
  ) =>
    new ProxyHotPath({
      store,
      tokens,
      gateway,
      callers,
      proxy,
      csrf: csrfOptionsFromConfig(server, session),
      secrets: cookieSecretKeys(session.secrets),
      logger,
      metrics,
    }),
};
