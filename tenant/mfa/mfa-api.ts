import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredMethod } from '../accounts/account.types.js';
import { mfaFactors } from '../accounts/login-factors.js';
import {
  authenticateClient,
  AuthApiError,
  optionalString,
  readParams,
  requiredString,
  sendJson,
  serveAuthApi,
} from '../http/auth-api.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { associate } from './mfa-enrollment.js';
import { challengeTypeOf, listMfaAuthenticators } from './mfa-authenticators.js';
import { createMfaServices, type MfaServices } from './mfa-services.js';
import type { MfaLogin, MfaRefusal } from './mfa-tokens.js';

/**
 * Auth0's MFA API for logins that got `mfa_required` (docs/tenant.md#mfa-api):
 * - `GET /mfa/authenticators` (Bearer mfa_token): the user's second factors;
 * - `POST /mfa/challenge` (mfa_token, client_id [+ secret], challenge_type otp|oob, authenticator_id):
 *   `otp` needs no delivery; `oob` sends a code and answers its `oob_code`;
 * - `POST /mfa/associate` (Bearer mfa_token): enrolls the first factor (`mfa-enrollment.ts`);
 * - `DELETE /mfa/authenticators/{id}`: Auth0 takes an MFA API access token with `remove:authenticators`
 *   for this, which the tenant does not issue; an mfa_token is refused (403 `insufficient_scope`).
 * The MFA grants at /oauth/token finish the login (`tenant/oidc/grants/mfa-grants.ts`).
 */

const bearerRefusal = (r: MfaRefusal) => new AuthApiError(401, r.error, r.description);
const grantRefusal = (r: MfaRefusal) => new AuthApiError(r.status, r.error, r.description);

function bearerToken(req: IncomingMessage): string {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) throw new AuthApiError(401, 'invalid_request', 'An mfa_token is required as the Bearer token');
  return match[1];
}

async function bearerLogin(
  mfa: MfaServices,
  req: IncomingMessage,
): Promise<{ token: string; login: MfaLogin }> {
  const token = bearerToken(req);
  const check = await mfa.tokens.check(token);
  if (!check.ok) throw bearerRefusal(check.refusal);
  return { token, login: check.login };
}

function challengeTypes(params: Record<string, unknown>): Set<string> {
  const raw = requiredString(params, 'challenge_type');
  const types = new Set(raw.split(' ').filter(Boolean));
  for (const type of types)
    if (type !== 'otp' && type !== 'oob')
      throw new AuthApiError(400, 'unsupported_challenge_type', `Unsupported challenge_type: ${type}`);
  return types;
}

/** The factor to challenge: the named one (it must be the user's and of an asked type), else the first. */
function pickFactor(factors: StoredMethod[], types: Set<string>, authenticatorId?: string): StoredMethod {
  if (authenticatorId) {
    const named = factors.find((m) => m.id === authenticatorId);
    if (!named)
      throw new AuthApiError(400, 'invalid_request', `Unknown authenticator_id: ${authenticatorId}`);
    if (!types.has(challengeTypeOf(named) ?? ''))
      throw new AuthApiError(
        400,
        'unsupported_challenge_type',
        `The authenticator cannot be challenged with ${[...types].join(' ')}`,
      );
    return named;
  }
  const factor = factors.find((m) => types.has(challengeTypeOf(m) ?? ''));
  if (!factor)
    throw new AuthApiError(
      400,
      'unsupported_challenge_type',
      `User is not enrolled with ${[...types].join(' or ')}`,
    );
  return factor;
}

export function createMfaApi(tenant: TenantContext): TenantHandler {
  const mfa = createMfaServices(tenant);

  async function listAuthenticators(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { login } = await bearerLogin(mfa, req);
    const account = await tenant.accounts.findById(login.accountId);
    sendJson(res, 200, account ? listMfaAuthenticators(account) : []);
  }

  async function deleteAuthenticator(req: IncomingMessage): Promise<void> {
    await bearerLogin(mfa, req);
    throw new AuthApiError(
      403,
      'insufficient_scope',
      'Deleting an authenticator needs an MFA API access token with remove:authenticators; an mfa_token cannot',
    );
  }

  async function challenge(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const params = await readParams(req);
    const client = authenticateClient(tenant, req, params);
    const token = requiredString(params, 'mfa_token');
    const types = challengeTypes(params);
    const check = await mfa.tokens.check(token, client.client_id);
    if (!check.ok) throw grantRefusal(check.refusal);
    const account = await tenant.accounts.findById(check.login.accountId);
    if (!account)
      throw grantRefusal({ status: 403, error: 'invalid_grant', description: 'Malformed mfa_token' });
    const factor = pickFactor(mfaFactors(account), types, optionalString(params, 'authenticator_id'));
    if (factor.type === 'totp') return sendJson(res, 200, { challenge_type: 'otp' });
    if (factor.type !== 'email' && factor.type !== 'phone')
      throw new AuthApiError(
        400,
        'unsupported_challenge_type',
        'Push notifications are not delivered by this tenant',
      );
    const oobCode = await mfa.oob.send(token, account, factor);
    sendJson(res, 200, { challenge_type: 'oob', oob_code: oobCode, binding_method: 'prompt' });
  }

  async function enroll(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { token, login } = await bearerLogin(mfa, req);
    const params = await readParams(req);
    sendJson(res, 200, await associate(tenant, mfa, token, login, params));
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const method = req.method ?? 'GET';
    if (path === '/mfa/authenticators' && method === 'GET') return listAuthenticators(req, res);
    if (path.startsWith('/mfa/authenticators/') && method === 'DELETE') return deleteAuthenticator(req);
    if (path === '/mfa/challenge' && method === 'POST') return challenge(req, res);
    if (path === '/mfa/associate' && method === 'POST') return enroll(req, res);
    throw new AuthApiError(404, 'not_found', `No such endpoint: ${method} ${path}`);
  }

  return serveAuthApi(tenant, 'MFA API', serve);
}
