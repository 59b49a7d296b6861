import type { TenantContext, TenantMount } from './tenant-context.js';

/**
 * The parts of the tenant served beside the authorization server, each under its own path prefix
 * (the My Account API under `/me/v1/`, the connected-accounts consent page, the development endpoints).
 * The tenant server dispatches to these before handing the request to oidc-provider.
 */
export function buildMounts(_ctx: TenantContext): TenantMount[] {
  return [];
}
