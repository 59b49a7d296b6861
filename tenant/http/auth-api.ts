import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SeedClient } from '../config/tenant-config.schema.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { readBodyText } from './read-body.js';

/**
 * The plumbing of the Authentication API endpoints the tenant serves beside oidc-provider (`/mfa/*`,
 * `/passkey/*`, `/dbconnections/*`, `/passwordless/start`): JSON or form bodies, Auth0's OAuth-style error
 * body `{ error, error_description }` with its status, and client authentication as at the token
 * endpoint (client_secret in the body or HTTP Basic). Bad input is always a 4xx naming what was wrong.
 */

const BODY_LIMIT = 16 * 1024;

/** An answer other than success: rendered as `{ error, error_description }` with `status`. */
export class AuthApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
  }

  /** The answer's JSON body; `/dbconnections/*` errors have their own shape (`DbConnectionsError`). */
  toBody(): Record<string, unknown> {
    return { error: this.error, error_description: this.description };
  }
}

export const badRequest = (description: string) => new AuthApiError(400, 'invalid_request', description);

export function sendJson(
  res: ServerResponse,
  status: number,
  body?: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }),
    ...headers,
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

/** The request's fields: a JSON object or a form. Anything else is a 400 (413 when too large). */
export async function readParams(req: IncomingMessage): Promise<Record<string, unknown>> {
  const text = await readBodyText(req, BODY_LIMIT);
  if (text === undefined) throw new AuthApiError(413, 'invalid_request', 'The request body is too large');
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('application/x-www-form-urlencoded'))
    return Object.fromEntries(new URLSearchParams(text));
  if (!type.startsWith('application/json'))
    throw badRequest('Send the parameters as application/json or application/x-www-form-urlencoded');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw badRequest('The request body must be a JSON object');
  return parsed as Record<string, unknown>;
}

/** A string parameter, or undefined when absent; a present non-string is a 400 naming it. */
export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be a string`);
  return value;
}

export function requiredString(params: Record<string, unknown>, name: string): string {
  const value = optionalString(params, name);
  if (value === undefined) throw badRequest(`Missing required parameter: ${name}`);
  return value;
}

function secretMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The configured application `client_id` names, without client authentication (public endpoints). */
export function findClient(tenant: TenantContext, params: Record<string, unknown>): SeedClient {
  const clientId = requiredString(params, 'client_id');
  const client = tenant.config.clients.find((c) => c.client_id === clientId);
  if (!client) throw new AuthApiError(401, 'invalid_client', 'Unknown client');
  return client;
}

/** client_id and client_secret from HTTP Basic (client_secret_basic) or the body (client_secret_post). */
function presentedCredentials(
  req: IncomingMessage,
  params: Record<string, unknown>,
): { clientId?: string; secret?: unknown } {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const [id, secret] = Buffer.from(header.slice(6), 'base64')
      .toString('utf8')
      .split(':')
      .map((part) => decodeURIComponent(part));
    return { clientId: id, secret };
  }
  return { clientId: optionalString(params, 'client_id'), secret: params.client_secret };
}

/**
 * The calling application: `client_id` must name a configured client, and a confidential client must
 * present its secret (401 `invalid_client` otherwise, as at the token endpoint).
 */
export function authenticateClient(
  tenant: TenantContext,
  req: IncomingMessage,
  params: Record<string, unknown>,
): SeedClient {
  const { clientId, secret } = presentedCredentials(req, params);
  if (!clientId) throw badRequest('Missing required parameter: client_id');
  const client = findClient(tenant, { client_id: clientId });
  if (client.client_secret && !secretMatches(client.client_secret, secret))
    throw new AuthApiError(401, 'invalid_client', 'Client authentication failed');
  return client;
}

/**
 * Runs an endpoint: AuthApiError becomes its answer; with Redis unreachable, 503 `temporarily_unavailable`
 * (as the token endpoint answers then); anything else is logged and answered 500.
 */
export function serveAuthApi(
  tenant: TenantContext,
  name: string,
  serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): TenantHandler {
  return (req, res) => {
    serve(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof AuthApiError) return sendJson(res, err.status, err.toBody(), err.headers);
      if (tenant.redis.status !== 'ready') {
        const description = 'The tenant cannot reach its storage; try again shortly';
        return sendJson(
          res,
          503,
          { error: 'temporarily_unavailable', error_description: description },
          {
            'retry-after': '5',
          },
        );
      }
      console.error(`tenant: ${name} failed`, err);
      sendJson(res, 500, { error: 'server_error', error_description: 'The request could not be completed' });
    });
  };
}
