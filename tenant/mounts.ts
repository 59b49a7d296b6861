import { createConnectPage } from './connect/connect-page.js';
import { createDevRouter } from './dev/dev-router.js';
import { createMyAccountApi, type MyAccountApiOptions } from './my-account/my-account-api.js';
import type { TenantContext, TenantMount } from './tenant-context.js';

/** Optional settings the configuration may carry for the My Account API (defaults otherwise). */
interface MyAccountTuning {
  rate_limit?: { limit: number; window_seconds: number };
  dpop_nonce?: boolean;
}

function apiOptions(ctx: TenantContext): MyAccountApiOptions {
  const tuning = ctx.config.my_account_api as MyAccountTuning;
  return {
    ...(tuning.rate_limit ? { rateLimit: { limit: tuning.rate_limit.limit, windowSeconds: tuning.rate_limit.window_seconds } } : {}),
    dpopNonce: tuning.dpop_nonce === true,
  };
}

/**
 * The parts of the tenant served beside the authorization server, each under its own path prefix.
 * Handlers receive the request untouched (`req.url` still starts with the prefix) and answer 404
 * themselves for anything under their prefix they do not serve:
 * - `/me/v1/`: the My Account API;
 * - `/connect`: the connected-accounts consent page (`connect_uri`); only the exact path `/connect` is served;
 * - `/__dev/`: development endpoints (outbox, push approval), only when `tenant.dev_endpoints` is on.
 * The tenant server dispatches to these before handing the request to oidc-provider.
 */
export function buildMounts(ctx: TenantContext): TenantMount[] {
  const mounts: TenantMount[] = [
    { prefix: '/me/v1/', handler: createMyAccountApi(ctx, apiOptions(ctx)) },
    { prefix: '/connect', handler: createConnectPage(ctx) },
  ];
  if (ctx.config.tenant.dev_endpoints) mounts.push({ prefix: '/__dev/', handler: createDevRouter(ctx) });
  return mounts;
}
