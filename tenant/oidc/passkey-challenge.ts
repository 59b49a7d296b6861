import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import { passkeyRpId } from '../my-account/enrollment/passkey-enroller.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { WEBAUTHN_GRANT } from './routes.js';

/** A challenge handed out by `POST /passkey/challenge`, redeemed once by the webauthn grant. */
export interface PendingPasskeyLogin {
  challenge: string;
  client_id: string;
  rp_id: string;
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

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readParams(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 8192) return undefined;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  if (!type.startsWith('application/json')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function secretMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** client_secret from the body (client_secret_post) or HTTP Basic (client_secret_basic). */
function presentedSecret(req: IncomingMessage, params: Record<string, unknown>, clientId: string): unknown {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(header.slice(6), 'base64')
      .toString('utf8')
      .split(':')
      .map(decodeURIComponent);
    return id === clientId ? secret : undefined;
  }
  return params.client_secret;
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
    if (req.method !== 'POST')
      return json(res, 405, { error: 'invalid_request', error_description: 'Use POST' });
    const params = await readParams(req);
    if (!params)
      return json(res, 400, { error: 'invalid_request', error_description: 'Send a JSON or form body' });
    const clientId = typeof params.client_id === 'string' ? params.client_id : '';
    if (!clientId)
      return json(res, 400, { error: 'invalid_request', error_description: 'client_id is required' });
    const client = tenant.config.clients.find((c) => c.client_id === clientId);
    if (!client) return json(res, 401, { error: 'invalid_client', error_description: 'Unknown client' });
    if (
      client.client_secret &&
      !secretMatches(client.client_secret, presentedSecret(req, params, clientId))
    ) {
      return json(res, 401, { error: 'invalid_client', error_description: 'Client authentication failed' });
    }
    if (!client.grant_types.includes(WEBAUTHN_GRANT) || !client.first_party) {
      return json(res, 400, {
        error: 'unauthorized_client',
        error_description: `The client is not allowed the ${WEBAUTHN_GRANT} grant`,
      });
    }
    const realm = params.realm;
    if (realm !== undefined && realm !== tenant.config.tenant.database_connection) {
      return json(res, 400, {
        error: 'invalid_request',
        error_description: `Unknown realm: ${String(realm)}`,
      });
    }
    const rpId = passkeyRpId(tenant, issuerFor(req));
    const challenge = randomBytes(32).toString('base64url');
    const authSession = await challenges.create({ challenge, client_id: clientId, rp_id: rpId });
    json(res, 200, {
      auth_session: authSession,
      authn_params_public_key: { challenge, timeout: TIMEOUT_MS, rpId, userVerification: 'preferred' },
    });
  }

  return (req, res) => {
    serve(req, res).catch((err: Error) => {
      console.error('tenant: passkey challenge failed', err);
      if (!res.headersSent)
        json(res, 500, { error: 'server_error', error_description: 'The challenge could not be created' });
    });
  };
}
