import type { IncomingMessage } from 'node:http';
import { badRequest, optionalString } from '../http/auth-api.js';
import { AUTH_API_BUDGETS, clientIp, type RequestRate } from '../http/request-rate.js';
import type { TenantContext } from '../tenant-context.js';
import type { ResetTickets } from './reset-tickets.js';

/**
 * `POST /dbconnections/change_password` (Auth0's "Request Password Change"): `client_id`, `email`,
 * `connection`. The answer is the same text whether or not a user has that email, so the endpoint tells
 * nobody which addresses are registered; when one does, the reset link (`/lo/reset?ticket=...`, see
 * `reset-page.ts`) goes to the dev outbox. Auth0's limit: per IP address and email, bursts of 10, then
 * one a minute (here: 10 per 10 minutes).
 */

export const RESET_MAIL_SENT = "We've just sent you an email to reset your password.";

export interface ChangePasswordDeps {
  readonly tenant: TenantContext;
  readonly tickets: ResetTickets;
  readonly rate: RequestRate;
  /** The issuer (origin) the request came to: the link points back there. */
  readonly issuerFor: (req: IncomingMessage) => string;
}

export async function requestPasswordChange(
  deps: ChangePasswordDeps,
  req: IncomingMessage,
  params: Record<string, unknown>,
): Promise<string> {
  const { tenant, tickets, rate } = deps;
  const connection = optionalString(params, 'connection');
  if (!connection) throw badRequest('Missing required parameter: connection');
  if (connection !== tenant.config.tenant.database_connection)
    throw badRequest(`Unknown database connection: ${connection.slice(0, 100)}`);
  if (optionalString(params, 'organization')) throw badRequest('This tenant has no organizations');
  const email = optionalString(params, 'email')?.trim().toLowerCase();
  if (!email) {
    if (optionalString(params, 'username'))
      throw badRequest('This connection does not use usernames: send the email');
    throw badRequest('Missing required parameter: email');
  }
  await rate.consume(
    AUTH_API_BUDGETS.changePassword,
    `${clientIp(req, tenant.config.tenant.trust_proxy)} ${email}`,
  );
  const account = await tenant.accounts.findByEmail(email);
  if (account?.password) {
    const ticket = await tickets.issue(account.user_id);
    const link = `${deps.issuerFor(req)}lo/reset?ticket=${ticket}`;
    await tenant.outbox.deliver({
      channel: 'email',
      to: account.email,
      user_id: account.user_id,
      purpose: 'password-reset',
      code: ticket,
      link,
      text: `Reset your ${tenant.config.tenant.friendly_name} password: ${link}`,
    });
  }
  return RESET_MAIL_SENT;
}
