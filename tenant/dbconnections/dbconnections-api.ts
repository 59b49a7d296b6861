import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthApiError, findClient, readParams, sendJson, serveAuthApi } from '../http/auth-api.js';
import { AUTH_API_BUDGETS, clientIp, RequestRate } from '../http/request-rate.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { requestPasswordChange } from './change-password.js';
import type { ResetTickets } from './reset-tickets.js';
import { signUp } from './signup.js';

/**
 * Auth0's database connection endpoints (docs/tenant.md#database-connections), public like Auth0's:
 * only `client_id` names the application, no secret.
 * - `POST /dbconnections/signup`: creates a user (`signup.ts`); Auth0 limits it to 50 a minute per IP;
 * - `POST /dbconnections/change_password`: sends a reset link (`change-password.ts`).
 */

export function createDbConnectionsApi(
  tenant: TenantContext,
  tickets: ResetTickets,
  issuerFor: (req: IncomingMessage) => string,
): TenantHandler {
  const rate = new RequestRate(tenant.redis, tenant.prefix);

  async function signup(req: IncomingMessage, res: ServerResponse): Promise<void> {
    await rate.consume(AUTH_API_BUDGETS.signup, clientIp(req, tenant.config.tenant.trust_proxy));
    const params = await readParams(req);
    findClient(tenant, params);
    sendJson(res, 200, await signUp(tenant, params));
  }

  async function changePassword(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await readParams(req);
    findClient(tenant, params);
    const text = await requestPasswordChange({ tenant, tickets, rate, issuerFor }, req, params);
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(text);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (path === '/dbconnections/signup' && method === 'POST') return signup(req, res);
    if (path === '/dbconnections/change_password' && method === 'POST') return changePassword(req, res);
    throw new AuthApiError(404, 'not_found', `No such endpoint: ${method} ${path}`);
  }

  return serveAuthApi(tenant, 'database connections', serve);
}
