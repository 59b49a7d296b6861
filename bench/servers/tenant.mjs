// The local tenant from the build (dist/tenant), moved to a free port and a private Redis, with the seed
// client's callback URLs pointing at the benchmark's servers (BENCH_ORIGINS, comma list). It only serves
// the logins before the measurements.
import { fileURLToPath } from 'node:url';
import { loadTenantConfig } from '../../dist/tenant/config/load-tenant-config.js';
import { startTenant } from '../../dist/tenant/server.js';
import { announce } from './parent-watch.mjs';

const port = Number(process.env.TENANT_PORT);
const origins = process.env.BENCH_ORIGINS.split(',');
const seed = fileURLToPath(new URL('../../config/tenant.yaml', import.meta.url));
const config = loadTenantConfig(seed, {});
const issuer = `http://localhost:${port}/`;
config.tenant = {
  ...config.tenant,
  issuer,
  custom_domains: [`http://127.0.0.1:${port}/`],
  port,
  host: '127.0.0.1',
};
config.redis = { ...config.redis, url: process.env.REDIS_URL };
const client = config.clients.find((c) => c.client_id === 'myaccount-bff');
client.redirect_uris = origins.flatMap((o) => [`${o}/auth/callback`, `${o}/callback`]);
client.post_logout_redirect_uris = origins.map((o) => `${o}/`);
client.web_origins = origins;
delete client.backchannel_logout_uri;
for (const grant of config.client_grants)
  grant.audience = grant.audience
    .replace('http://localhost:4000/', issuer)
    .replace('http://127.0.0.1:4000/', `http://127.0.0.1:${port}/`);

await startTenant(config);
announce({ issuer });
