import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { Redis } from 'ioredis';
import type { Provider } from 'oidc-provider';
import { AccountStore } from './accounts/account-store.js';
import { seedAccounts } from './accounts/seed.js';
import type { TenantConfig } from './config/tenant-config.schema.js';
import { CorsPolicy } from './http/cors.js';
import { requestHost } from './http/request-host.js';
import { Outbox } from './dev/outbox.js';
import { createInteractionHandler, type IssuerBinding } from './interactions/interaction-handler.js';
import { loadSigningKeys } from './keys.js';
import { buildMounts } from './mounts.js';
import { createProvider } from './oidc/create-provider.js';
import { createPasskeyChallengeHandler } from './oidc/passkey-challenge.js';
import { createPasskeyRegisterHandler } from './oidc/passkey-signup.js';
import { ClientDirectory } from './oidc/provider-clients.js';
import { createRedisAdapterFactory } from './oidc/redis-adapter.js';
import { INTERACTION_PREFIX } from './oidc/routes.js';
import type { TenantContext, TenantMount } from './tenant-context.js';

export interface StartTenantOptions {
  /** Use this Redis client instead of connecting to `config.redis.url` (the caller keeps ownership). */
  redis?: Redis;
}

export interface RunningTenant {
  /** The canonical issuer's origin the tenant answers on, e.g. `http://localhost:4000`. */
  readonly url: string;
  readonly context: TenantContext;
  close(): Promise<void>;
}

/** Fail fast when Redis is down: no offline queue, a bounded connect time, few retries per command. */
function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: 2000,
    maxRetriesPerRequest: 1,
  });
  redis.on('error', () => undefined); // each failed command rejects on its own; the event only repeats it
  return redis;
}

async function buildContext(config: TenantConfig, redis: Redis): Promise<TenantContext> {
  const prefix = config.redis.prefix;
  return {
    config,
    redis,
    prefix,
    accounts: new AccountStore(redis, prefix),
    outbox: new Outbox(redis, prefix),
    keys: await loadSigningKeys(redis, prefix),
    issuers: [config.tenant.issuer, ...config.tenant.custom_domains],
    myAccountAudience: (issuer) => `${issuer}me/`,
  };
}

/** The issuer a request is for: its host against each issuer's host; the canonical one otherwise. */
function createBindingLookup(bindings: IssuerBinding[], trustProxy: boolean) {
  const byHost = new Map(bindings.map((b) => [new URL(b.issuer).host.toLowerCase(), b]));
  return (req: IncomingMessage): IssuerBinding => byHost.get(requestHost(req, trustProxy)) ?? bindings[0];
}

function createDispatcher(ctx: TenantContext, bindings: IssuerBinding[], isStorageUp: () => boolean) {
  const bindingFor = createBindingLookup(bindings, ctx.config.tenant.trust_proxy);
  const cors = new CorsPolicy(ctx.config);
  const issuerFor = (req: IncomingMessage) => bindingFor(req).issuer;
  const mounts: TenantMount[] = [
    ...buildMounts(ctx, issuerFor),
    { prefix: INTERACTION_PREFIX, handler: createInteractionHandler(ctx, bindingFor, isStorageUp) },
    { prefix: '/passkey/challenge', handler: createPasskeyChallengeHandler(ctx, issuerFor) },
    { prefix: '/passkey/register', handler: createPasskeyRegisterHandler(ctx, issuerFor) },
  ];
  const callbacks = new Map<Provider, ReturnType<Provider['callback']>>(
    bindings.map((b) => [b.provider, b.provider.callback()]),
  );
  return (req: IncomingMessage, res: ServerResponse) => {
    if (cors.handlePreflight(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    const mount = mounts.find((m) => path.startsWith(m.prefix));
    if (mount) {
      cors.decorate(req, res);
      return mount.handler(req, res);
    }
    return callbacks.get(bindingFor(req).provider)?.(req, res);
  };
}

/**
 * Starts the local tenant: Redis-backed context, seeded users, one oidc-provider per issuer (canonical and
 * custom domains, chosen by Host), the mounts beside it (My Account API, connect page, dev endpoints), the
 * login pages and the passkey challenge endpoint, listening on `config.tenant.host:port` (HTTPS when
 * `tenant.tls` names a certificate and key).
 */
export async function startTenant(
  config: TenantConfig,
  opts: StartTenantOptions = {},
): Promise<RunningTenant> {
  const ownsRedis = !opts.redis;
  const redis = opts.redis ?? connectRedis(config.redis.url);
  if (ownsRedis) await redis.connect();
  const context = await buildContext(config, redis);
  await seedAccounts(context.accounts, config);
  const clients = new ClientDirectory(config);
  const adapter = createRedisAdapterFactory(redis, context.prefix, {
    refreshTokenReuseInterval: (id) => clients.reuseInterval(id),
  });
  const isStorageUp = () => redis.status === 'ready';
  const bindings = context.issuers.map((issuer) => ({
    issuer,
    provider: createProvider({ tenant: context, issuer, adapter, clients, isStorageUp }),
  }));
  const dispatch = createDispatcher(context, bindings, isStorageUp);
  const { tls } = config.tenant;
  const server: Server = tls
    ? createHttpsServer({ cert: readFileSync(tls.cert), key: readFileSync(tls.key) }, dispatch)
    : createServer(dispatch);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.tenant.port, config.tenant.host, () => resolve());
  });
  return {
    url: new URL(config.tenant.issuer).origin,
    context,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      if (ownsRedis) redis.disconnect();
    },
  };
}
