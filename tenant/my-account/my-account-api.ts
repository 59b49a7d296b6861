import type { IncomingMessage, ServerResponse } from 'node:http';
import { AccountUpdateConflict } from '../accounts/account-store.js';
import { ConnectFlows } from '../connect/connect-flows.js';
import { requestHost } from '../http/request-host.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { AccessTokenVerifier } from './auth/access-token.js';
import { insufficientScope, unauthorized } from './auth/challenge.js';
import { DpopNonces } from './auth/dpop-nonce.js';
import { EnrollmentSessions } from './enrollment/enrollment-sessions.js';
import { ApiError, badRequest, notFound } from './http/api-error.js';
import { RateLimiter, type RateLimitOptions } from './http/rate-limit.js';
import { DEFAULT_BODY_LIMIT, readJsonBody } from './http/request-body.js';
import { sendError, sendJson, type HeaderMap } from './http/respond.js';
import { buildOperations, matchRoute, type ApiOperation } from './oas/operations.js';
import { RequestValidator } from './oas/request-validation.js';
import { OasSchemas } from './oas/schema-validator.js';
import { OPERATION_HANDLERS } from './operations/handlers.js';
import type { ApiServices } from './operations/operation.js';

/** Where the API is mounted (OAS `servers[0].url` = `https://{host}/me/v1`). */
export const MY_ACCOUNT_BASE_PATH = '/me/v1';

export interface MyAccountApiOptions {
  readonly rateLimit?: RateLimitOptions;
  readonly bodyLimit?: number;
  /** Require server-provided DPoP nonces (RFC 9449 §9) in proofs. Off by default. */
  readonly dpopNonce?: boolean;
}

/** The issuer whose host the request was sent to (same-domain rule: token, audience and calls share it). */
export function issuerForHost(ctx: TenantContext, host: string | undefined): string | undefined {
  const wanted = (host ?? '').toLowerCase();
  return ctx.issuers.find((issuer) => new URL(issuer).host === wanted);
}

function splitUrl(raw: string): { path: string; search: string } {
  const q = raw.indexOf('?');
  return q < 0 ? { path: raw, search: '' } : { path: raw.slice(0, q), search: raw.slice(q + 1) };
}

function decodeParams(raw: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    try {
      out[name] = decodeURIComponent(value);
    } catch {
      throw badRequest('invalid_request', `The path parameter ${name} is not correctly percent-encoded`);
    }
  }
  return out;
}

function isUnavailable(err: unknown): boolean {
  if (err instanceof AccountUpdateConflict) return true;
  const text = err instanceof Error ? `${err.name} ${err.message}` : '';
  return /MaxRetriesPerRequest|ECONNREFUSED|Connection is closed|Stream isn't writeable|ETIMEDOUT/i.test(
    text,
  );
}

/**
 * Auth0's My Account API (`/me/v1/...`), every operation of its OAS: route → access token (and DPoP
 * proof) → per-user rate limit → scope → parameters and body validated against the OAS → operation.
 */
export function createMyAccountApi(ctx: TenantContext, options: MyAccountApiOptions = {}): TenantHandler {
  const operations = buildOperations();
  const missing = operations.filter((op) => !OPERATION_HANDLERS[op.operationId]).map((op) => op.operationId);
  if (missing.length > 0)
    throw new Error(`My Account operations without an implementation: ${missing.join(', ')}`);
  const nonces = options.dpopNonce ? new DpopNonces(ctx.redis, ctx.prefix) : undefined;
  const verifier = new AccessTokenVerifier({
    publicJwks: ctx.keys.publicJwks,
    redis: ctx.redis,
    prefix: ctx.prefix,
    dpop: ctx.config.my_account_api.dpop,
    nonces,
  });
  const limiter = new RateLimiter(ctx.redis, ctx.prefix, options.rateLimit);
  const services: ApiServices = {
    ctx,
    validator: new RequestValidator(new OasSchemas()),
    enrollments: new EnrollmentSessions(ctx.redis, ctx.prefix),
    connectFlows: new ConnectFlows(ctx.redis, ctx.prefix),
  };

  async function route(req: IncomingMessage, headers: HeaderMap) {
    const issuer = issuerForHost(ctx, requestHost(req, ctx.config.tenant.trust_proxy));
    if (!issuer) throw notFound('This host does not serve the My Account API');
    const { path, search } = splitUrl(req.url ?? '/');
    if (!path.startsWith(`${MY_ACCOUNT_BASE_PATH}/`)) throw notFound('No such endpoint');
    const match = matchRoute(operations, req.method ?? 'GET', path.slice(MY_ACCOUNT_BASE_PATH.length));
    if (match.kind === 'not_found') throw notFound('No such endpoint');
    if (match.kind === 'method_not_allowed') {
      throw new ApiError(405, 'method_not_allowed', `Use ${match.allow.join(', ')}`, undefined, {
        allow: match.allow.join(', '),
      });
    }
    const params = decodeParams(match.rawParams);
    const target = { issuer, audience: ctx.myAccountAudience(issuer), url: `${issuer.slice(0, -1)}${path}` };
    const caller = await verifier.verify(req, target);
    const account = await ctx.accounts.findById(caller.sub);
    if (!account)
      throw unauthorized([caller.scheme], target.audience, {
        code: 'invalid_token',
        description: 'The user no longer exists',
      });
    Object.assign(headers, (await limiter.consume(caller.sub, req.method ?? 'GET')).headers);
    if (!caller.scopes.has(match.operation.scope))
      throw insufficientScope(caller.scheme, target.audience, match.operation.scope);
    return { operation: match.operation, issuer, caller, account, params, search };
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers: HeaderMap = {};
    try {
      if (nonces) headers['dpop-nonce'] = await nonces.current();
      const routed = await route(req, headers);
      const operation: ApiOperation = routed.operation;
      services.validator.path(operation, routed.params);
      const query = services.validator.query(operation, new URLSearchParams(routed.search));
      const rawBody = operation.bodyRequired
        ? await readJsonBody(req, options.bodyLimit ?? DEFAULT_BODY_LIMIT)
        : undefined;
      const result = await OPERATION_HANDLERS[operation.operationId]({
        services,
        req,
        query,
        rawBody,
        ...routed,
      });
      sendJson(res, result.status, result.body, { ...headers, ...result.headers });
    } catch (err) {
      if (err instanceof ApiError) return sendError(res, err, headers);
      if (isUnavailable(err)) {
        return sendError(
          res,
          new ApiError(503, 'temporarily_unavailable', 'The service is temporarily unavailable', undefined, {
            'retry-after': '1',
          }),
          headers,
        );
      }
      console.error('My Account API request failed:', err instanceof Error ? err.message : String(err));
      sendError(res, new ApiError(500, 'server_error', 'The request could not be processed'), headers);
    }
  }

  return (req, res) => void serve(req, res);
}
