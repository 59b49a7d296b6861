import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Account } from '../accounts/account.types.js';
import type { SeedClient } from '../config/tenant-config.schema.js';
import {
  authenticateClient,
  AuthApiError,
  badRequest,
  optionalString,
  readParams,
  sendJson,
  serveAuthApi,
} from '../http/auth-api.js';
import { passkeyRpId } from '../my-account/enrollment/passkey-enroller.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { WEBAUTHN_GRANT } from './routes.js';

/**
 * A challenge handed out by `POST /passkey/challenge` (login) or `POST /passkey/register` (signup: the
 * user to create once the passkey is proven), redeemed once by the webauthn grant.
 */
export interface PendingPasskeyLogin {
  challenge: string;
  client_id: string;
  rp_id: string;
  signup?: Account;
}

const TTL_SECONDS = 300;
const TIMEOUT_MS = 60_000;

export class PasskeyChallenges {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async create(login: PendingPasskeyLogin): Promise<string> {
    const authSession = randomBytes(24).toString('base64url');
    await this.redis.set(
      `${this.prefix}passkey-login:${authSession}`,
      JSON.stringify(login),
      'EX',
      TTL_SECONDS,
    );
    return authSession;
  }

  /** Single use: the record is deleted as it is read. */
  async take(authSession: string): Promise<PendingPasskeyLogin | undefined> {
    const raw = await this.redis.getdel(`${this.prefix}passkey-login:${authSession}`);
    return raw ? (JSON.parse(raw) as PendingPasskeyLogin) : undefined;
  }
}

/** Native passkeys are for first-party applications that list the webauthn grant. */
export function assertPasskeyClient(client: SeedClient): void {
  if (!client.grant_types.includes(WEBAUTHN_GRANT) || !client.first_party)
    throw new AuthApiError(
      400,
      'unauthorized_client',
      `The client is not allowed the ${WEBAUTHN_GRANT} grant`,
    );
}

/** The realm a passkey call names, when it names one, must be the tenant's database connection. */
export function assertPasskeyRealm(tenant: TenantContext, params: Record<string, unknown>): void {
  const realm = optionalString(params, 'realm');
  if (realm !== undefined && realm !== tenant.config.tenant.database_connection)
    throw badRequest(`Unknown realm: ${realm}`);
}

/**
 * `POST /passkey/challenge` (Auth0 native passkeys, my-account-api.md §9.7): `client_id`, `client_secret`
 * for confidential clients, `realm`. Answers `auth_session` and `authn_params_public_key` (challenge,
 * timeout, rpId, userVerification "preferred"), for a client with the webauthn grant.
 */
export function createPasskeyChallengeHandler(
  tenant: TenantContext,
  issuerFor: (req: IncomingMessage) => string,
): TenantHandler {
  const challenges = new PasskeyChallenges(tenant.redis, tenant.prefix);

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST') throw new AuthApiError(405, 'invalid_request', 'Use POST');
    const params = await readParams(req);
    const client = authenticateClient(tenant, req, params);
    assertPasskeyClient(client);
    assertPasskeyRealm(tenant, params);
    const rpId = passkeyRpId(tenant, issuerFor(req));
    const challenge = randomBytes(32).toString('base64url');
    const authSession = await challenges.create({ challenge, client_id: client.client_id, rp_id: rpId });
    sendJson(res, 200, {
      auth_session: authSession,
      authn_params_public_key: { challenge, timeout: TIMEOUT_MS, rpId, userVerification: 'preferred' },
    });
  }

  return serveAuthApi(tenant, 'passkey challenge', serve);
}
