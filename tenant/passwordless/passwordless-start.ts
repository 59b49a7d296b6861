import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { Account } from '../accounts/account.types.js';
import { AuthApiError, authenticateClient, readParams, sendJson, serveAuthApi } from '../http/auth-api.js';
import { AUTH_API_BUDGETS, clientIp, RequestRate } from '../http/request-rate.js';
import { PASSWORDLESS_OTP_GRANT } from '../oidc/routes.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { createPasswordlessCodes } from './passwordless-codes.js';

/**
 * `POST /passwordless/start` (Auth0's "Get Code or Link", docs/tenant.md#passwordless): `client_id` (+
 * secret for confidential applications), `connection` `email` or `sms`, `email` or `phone_number`,
 * `send` (`code`; Auth0's default for email is `link`, which this tenant does not serve), `authParams`.
 * A code goes to the dev outbox when a user has that email (email) or a confirmed phone method with that
 * number (sms); the answer is the same either way, so it tells nobody who is registered, and no user is
 * created. Errors use Auth0's codes for this endpoint (`bad.connection`, `bad.email`, ...). Calls without
 * client authentication are limited to 50 an hour per IP address, as at Auth0.
 */

const E164 = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const bad = (what: string, description: string) => new AuthApiError(400, `bad.${what}`, description);

function stringParam(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw bad('request', `${name} must be a string`);
  return value;
}

interface Recipient {
  connection: 'email' | 'sms';
  address: string;
}

function recipientOf(tenant: TenantContext, params: Record<string, unknown>): Recipient {
  const connection = stringParam(params, 'connection');
  if (!connection) throw bad('connection', 'Missing required property: connection');
  if (connection !== 'email' && connection !== 'sms')
    throw bad('connection', `Connection does not exist: ${connection.slice(0, 100)}`);
  if (!tenant.config.passwordless.connections.includes(connection))
    throw bad('connection', `Connection is disabled: ${connection}`);
  const send = stringParam(params, 'send') ?? (connection === 'email' ? 'link' : 'code');
  if (send !== 'code')
    throw bad('send', send === 'link' ? 'This tenant sends codes only: use send "code"' : 'Invalid send');
  const authParams = params.authParams;
  if (
    authParams !== undefined &&
    (typeof authParams !== 'object' || authParams === null || Array.isArray(authParams))
  )
    throw bad('authParams', 'authParams must be an object');
  if (connection === 'email') {
    const email = stringParam(params, 'email')?.trim().toLowerCase();
    if (!email) throw bad('email', 'Missing required property: email');
    if (!EMAIL.test(email)) throw bad('email', 'Invalid email');
    return { connection, address: email };
  }
  const phone = stringParam(params, 'phone_number');
  if (!phone) throw bad('phone_number', 'Missing required property: phone_number');
  if (!E164.test(phone)) throw bad('phone_number', 'phone_number must be in E.164 format');
  return { connection, address: phone };
}

export function createPasswordlessStart(tenant: TenantContext): TenantHandler {
  const rate = new RequestRate(tenant.redis, tenant.prefix);
  const codes = createPasswordlessCodes(tenant);

  function findUser({ connection, address }: Recipient): Promise<Account | undefined> {
    return connection === 'email'
      ? tenant.accounts.findByEmail(address)
      : tenant.accounts.findByConfirmedPhone(address);
  }

  async function start(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await readParams(req);
    const client = authenticateClient(tenant, req, params);
    if (!client.client_secret)
      await rate.consume(AUTH_API_BUDGETS.passwordlessStart, clientIp(req, tenant.config.tenant.trust_proxy));
    if (!client.grant_types.includes(PASSWORDLESS_OTP_GRANT))
      throw new AuthApiError(
        400,
        'unauthorized_client',
        `The client is not allowed the ${PASSWORDLESS_OTP_GRANT} grant`,
      );
    const recipient = recipientOf(tenant, params);
    const account = await findUser(recipient);
    if (account) {
      const code = await codes.issue(
        recipient.connection,
        recipient.address,
        account.user_id,
        client.client_id,
      );
      await tenant.outbox.deliver({
        channel: recipient.connection,
        to: recipient.address,
        user_id: account.user_id,
        purpose: 'passwordless',
        code,
        text: `Your ${tenant.config.tenant.friendly_name} verification code is ${code}`,
      });
    }
    const addressField = recipient.connection === 'email' ? 'email' : 'phone_number';
    sendJson(res, 200, { _id: randomBytes(12).toString('hex'), [addressField]: recipient.address });
  }

  return serveAuthApi(tenant, 'passwordless start', async (req, res) => {
    if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/passwordless/start')
      throw new AuthApiError(404, 'not_found', 'No such endpoint');
    await start(req, res);
  });
}
