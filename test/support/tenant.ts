import { fileURLToPath } from 'node:url';
import { loadTenantConfig } from '../../tenant/config/load-tenant-config.js';
import type { TenantConfig } from '../../tenant/config/tenant-config.schema.js';
import { startTenant } from '../../tenant/server.js';
import type { TenantContext } from '../../tenant/tenant-context.js';
import { freePort } from './redis.js';

export interface TestTenantOptions {
  /** The test's own Redis (`startTestRedis().url`). */
  redisUrl: string;
  /** Where the BFF under test runs (e.g. `http://localhost:53123`): replaces `http://localhost:3000` in the clients' URIs. */
  bffOrigin?: string;
  /** Reuse a port (restart tests: same issuer, same Redis). Default: a free port. */
  port?: number;
  /** Serve HTTPS with this certificate: issuers become `https://localhost:<port>/` and `https://127.0.0.1:<port>/`. */
  tls?: { cert: string; key: string };
  /**
   * `tenant.totp_replays`. Default `allow`: most suites sign the same seed user in with MFA many times a
   * minute, while the tenant (like Auth0) accepts each TOTP code once, which would leave them three codes
   * per 30 s. Suites about the tenant's own MFA behaviour pass `reject`, the shipped setting.
   */
  totpReplays?: 'reject' | 'allow';
  /** Last word on the configuration, after the rewrites above (add users, clients, policies...). */
  configure?: (config: TenantConfig) => void;
}

export interface TestTenant {
  /** `http://localhost:<port>` (`https://` with `tls`): the canonical origin. */
  readonly url: string;
  /** `http://localhost:<port>/` */
  readonly issuer: string;
  /** `http://127.0.0.1:<port>/`: the same tenant through its custom domain. */
  readonly customIssuer: string;
  readonly port: number;
  readonly config: TenantConfig;
  readonly context: TenantContext;
  close(): Promise<void>;
}

const SEED_FILE = fileURLToPath(new URL('../../config/tenant.yaml', import.meta.url));
const SEED_ISSUER = 'http://localhost:4000/';
const SEED_CUSTOM = 'http://127.0.0.1:4000/';
const SEED_BFF = 'http://localhost:3000';

function rewrite(value: string, from: string, to: string): string {
  return value.startsWith(from) ? to + value.slice(from.length) : value;
}

/** The seed (`config/tenant.yaml`) moved to a free port, a test Redis and the BFF's origin. */
export function buildTestTenantConfig(opts: TestTenantOptions & { port: number }): TenantConfig {
  const config = loadTenantConfig(SEED_FILE, {});
  const scheme = opts.tls ? 'https' : 'http';
  const issuer = `${scheme}://localhost:${opts.port}/`;
  const customIssuer = `${scheme}://127.0.0.1:${opts.port}/`;
  config.tenant = {
    ...config.tenant,
    issuer,
    custom_domains: [customIssuer],
    port: opts.port,
    host: '127.0.0.1',
    dev_endpoints: true,
    totp_replays: opts.totpReplays ?? 'allow',
    ...(opts.tls ? { tls: opts.tls } : {}),
  };
  config.redis = { ...config.redis, url: opts.redisUrl };
  const bff = (uri: string) =>
    opts.bffOrigin ? rewrite(uri, SEED_BFF, opts.bffOrigin.replace(/\/$/, '')) : uri;
  for (const client of config.clients) {
    client.redirect_uris = client.redirect_uris.map(bff);
    client.post_logout_redirect_uris = client.post_logout_redirect_uris.map(bff);
    client.web_origins = client.web_origins.map(bff);
    if (client.backchannel_logout_uri) client.backchannel_logout_uri = bff(client.backchannel_logout_uri);
  }
  for (const grant of config.client_grants) {
    grant.audience = rewrite(rewrite(grant.audience, SEED_ISSUER, issuer), SEED_CUSTOM, customIssuer);
  }
  opts.configure?.(config);
  return config;
}

/**
 * Starts the local tenant for a test: the seed users and clients of `config/tenant.yaml` on a free port,
 * issuer `http://localhost:<port>/`, custom domain `http://127.0.0.1:<port>/`, dev endpoints on.
 */
export async function startTestTenant(opts: TestTenantOptions): Promise<TestTenant> {
  const port = opts.port ?? (await freePort());
  const config = buildTestTenantConfig({ ...opts, port });
  const running = await startTenant(config);
  return {
    url: new URL(config.tenant.issuer).origin,
    issuer: config.tenant.issuer,
    customIssuer: config.tenant.custom_domains[0],
    port,
    config,
    context: running.context,
    close: () => running.close(),
  };
}
