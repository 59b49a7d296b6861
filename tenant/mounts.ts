import type { IncomingMessage } from 'node:http';
import { createConnectPage } from './connect/connect-page.js';
import { createDbConnectionsApi } from './dbconnections/dbconnections-api.js';
import { createResetPage, RESET_PATH } from './dbconnections/reset-page.js';
import { ResetTickets } from './dbconnections/reset-tickets.js';
import { createDevRouter } from './dev/dev-router.js';
import { createMfaApi } from './mfa/mfa-api.js';
import { createPasswordlessStart } from './passwordless/passwordless-start.js';
import { createMyAccountApi, type MyAccountApiOptions } from './my-account/my-account-api.js';
import type { TenantContext, TenantMount } from './tenant-context.js';

function apiOptions(ctx: TenantContext): MyAccountApiOptions {
  const { rate_limit: rateLimit, dpop_nonce: dpopNonce } = ctx.config.my_account_api;
  return { rateLimit: { limit: rateLimit.limit, windowSeconds: rateLimit.window_seconds }, dpopNonce };
}

/**
 * The parts of the tenant served beside the authorization server, each under its own path prefix.
 * Handlers receive the request untouched (`req.url` still starts with the prefix) and answer 404
 * themselves for anything under their prefix they do not serve:
 * - `/me/v1/`: the My Account API;
 * - `/mfa/`: the MFA API (authenticators, challenge, associate) for logins that got `mfa_required`;
 * - `/connect`: the connected-accounts consent page (`connect_uri`); only the exact path `/connect` is served;
 * - `/dbconnections/`: signup and password-change requests; `/lo/reset`: the page of the reset link;
 * - `/passwordless/start`: sends passwordless login codes (the grant is oidc-provider's);
 * - `/__dev/`: development endpoints (outbox, push approval), only when `tenant.dev_endpoints` is on.
 * The tenant server dispatches to these before handing the request to oidc-provider.
 */
export function buildMounts(ctx: TenantContext, issuerFor: (req: IncomingMessage) => string): TenantMount[] {
  const resetTickets = new ResetTickets(ctx.redis, ctx.prefix);
  const mounts: TenantMount[] = [
    { prefix: '/me/v1/', handler: createMyAccountApi(ctx, apiOptions(ctx)) },
    { prefix: '/mfa/', handler: createMfaApi(ctx) },
    { prefix: '/connect', handler: createConnectPage(ctx) },
    { prefix: '/dbconnections/', handler: createDbConnectionsApi(ctx, resetTickets, issuerFor) },
    { prefix: RESET_PATH, handler: createResetPage(ctx, resetTickets) },
    { prefix: '/passwordless/start', handler: createPasswordlessStart(ctx) },
  ];
  if (ctx.config.tenant.dev_endpoints) mounts.push({ prefix: '/__dev/', handler: createDevRouter(ctx) });
  return mounts;
}
