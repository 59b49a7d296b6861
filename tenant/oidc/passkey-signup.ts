import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account } from '../accounts/account.types.js';
import { newAccount, readSignupProfile } from '../accounts/signup-profile.js';
import {
  AuthApiError,
  authenticateClient,
  badRequest,
  optionalString,
  readParams,
  sendJson,
  serveAuthApi,
} from '../http/auth-api.js';
import { AUTH_API_BUDGETS, clientIp, RequestRate } from '../http/request-rate.js';
import { passkeyOrigins, passkeyRpId } from '../my-account/enrollment/passkey-enroller.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { invalidGrant } from './oauth-errors.js';
import {
  assertPasskeyClient,
  assertPasskeyRealm,
  PasskeyChallenges,
  type PendingPasskeyLogin,
} from './passkey-challenge.js';
import { passkeyCreationOptions, storedPasskey, verifyPasskeyRegistration } from './passkey-registration.js';

/**
 * Signing up with a passkey (docs/tenant.md#passkey-signup), Auth0's native passkey signup:
 * `POST /passkey/register` (`client_id` [+ secret], `realm`, `user_profile` {email, name, given_name,
 * family_name, nickname, picture}, `user_metadata`) answers `authn_params_public_key` (the WebAuthn
 * creation options, user handle = the future user id) and `auth_session`; the webauthn grant with that
 * session and the attestation (`authn_response`) creates the user with the passkey as its only
 * credential and logs them in. The user exists only once the passkey is proven.
 */

const userExists = () => new AuthApiError(400, 'user_exists', 'The user already exists.');

function userProfile(params: Record<string, unknown>): Record<string, unknown> {
  const profile = params.user_profile;
  if (!profile || typeof profile !== 'object' || Array.isArray(profile))
    throw badRequest('Missing required parameter: user_profile');
  const source = profile as Record<string, unknown>;
  if (!source.email && (source.phone_number || source.username))
    throw badRequest('This connection identifies users by email: user_profile.email is required');
  return source;
}

export function createPasskeyRegisterHandler(
  tenant: TenantContext,
  issuerFor: (req: IncomingMessage) => string,
): TenantHandler {
  const challenges = new PasskeyChallenges(tenant.redis, tenant.prefix);
  const rate = new RequestRate(tenant.redis, tenant.prefix);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new AuthApiError(405, 'invalid_request', 'Use POST');
    await rate.consume(AUTH_API_BUDGETS.signup, clientIp(req, tenant.config.tenant.trust_proxy));
    const params = await readParams(req);
    const client = authenticateClient(tenant, req, params);
    assertPasskeyClient(client);
    assertPasskeyRealm(tenant, params);
    if (optionalString(params, 'organization')) throw badRequest('This tenant has no organizations');
    if (tenant.config.tenant.disable_signups)
      throw new AuthApiError(400, 'operation_not_supported', 'public signup is disabled');
    const profile = readSignupProfile(userProfile(params), params.user_metadata, badRequest);
    if (await tenant.accounts.findByEmail(profile.email)) throw userExists();
    const account = newAccount(profile, tenant.config.tenant.database_connection);
    const rpId = passkeyRpId(tenant, issuerFor(req));
    const challenge = randomBytes(32).toString('base64url');
    const authSession = await challenges.create({
      challenge,
      client_id: client.client_id,
      rp_id: rpId,
      signup: account,
    });
    const options = passkeyCreationOptions(
      challenge,
      { id: rpId, name: tenant.config.tenant.friendly_name },
      {
        handle: Buffer.from(account.user_id).toString('base64url'),
        name: account.email,
        displayName: account.name,
      },
    );
    sendJson(res, 200, { authn_params_public_key: options, auth_session: authSession });
  }

  return serveAuthApi(tenant, 'passkey register', serve);
}

/**
 * The webauthn grant's signup half: the attestation must answer the session's challenge for its RP id
 * from an allowed origin; the user is then created with the passkey (400 `invalid_grant` when the
 * passkey cannot be verified, or when the email was registered in the meantime).
 */
export async function completePasskeySignup(
  tenant: TenantContext,
  pending: PendingPasskeyLogin & { signup: Account },
  authnResponse: Record<string, unknown>,
  userAgent?: string,
): Promise<Account> {
  let info;
  try {
    info = await verifyPasskeyRegistration(authnResponse, {
      challenge: pending.challenge,
      origins: passkeyOrigins(tenant),
      rpId: pending.rp_id,
    });
  } catch {
    throw invalidGrant('The passkey could not be verified');
  }
  const transports = (authnResponse.response as { transports?: string[] } | undefined)?.transports;
  const passkey = storedPasskey(info, {
    userHandle: Buffer.from(pending.signup.user_id).toString('base64url'),
    rpId: pending.rp_id,
    transports: Array.isArray(transports) ? transports : undefined,
    userAgent: userAgent?.slice(0, 256),
  });
  const account: Account = { ...pending.signup, methods: [passkey], created_at: new Date().toISOString() };
  if (!(await tenant.accounts.createWithNewEmail(account))) throw invalidGrant('The user already exists.');
  return account;
}
