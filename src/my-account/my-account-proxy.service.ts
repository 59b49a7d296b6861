import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ServerResponse } from 'node:http';
import { NotAuthenticated } from '../http/bff-error.js';
import type { SessionConfig } from '../config/config.schema.js';
import { SESSION_CONFIG } from '../config/config.tokens.js';
import { AuditLog } from '../logging/audit-log.js';
import type { RateLimitPolicyName } from '../rate-limit/rate-limit-policy.js';
import { RateLimiter } from '../rate-limit/rate-limiter.service.js';
import { FirstFactorCheck } from './first-factor.service.js';
import type { RouteMatch } from './match-route.js';
import { MyAccountGateway, type GatewayRequest } from './my-account-gateway.js';
import { isInvalidTokenAnswer } from './invalid-token.js';
import { PROXY_BODY_LIMIT } from './my-account.providers.js';
import { ProxyCallers, SessionEnded, type ResolvedCaller } from './proxy-callers.js';
import { toRouteRequest } from './proxy-request.js';
import { readRequestBody } from './request-body.js';
import type { UpstreamResult } from './upstream-client.js';

/** Writes that change which authentication methods a user has (the first-factor fact may change). */
const METHOD_WRITES = new Set([
  'createAuthenticationMethod',
  'confirmAuthenticationMethod',
  'updateAuthenticationMethod',
  'deleteAuthenticationMethod',
]);
const ENROLLMENTS = new Set(['createAuthenticationMethod', 'confirmAuthenticationMethod']);
const DELETIONS = new Set(['deleteAuthenticationMethod', 'deleteConnectedAccount']);

/**
 * The rate-limit policy of an operation: code guessing at `verify` has its own small budget, every other
 * write the general one; reads are not counted here.
 */
export function rateLimitPolicy(operationId: string, method: string): RateLimitPolicyName | undefined {
  if (operationId === 'confirmAuthenticationMethod') return 'my-account-verify';
  return method === 'GET' || method === 'HEAD' ? undefined : 'my-account-write';
}

/**
 * `ANY /api/me/v1/{path}` (docs/architecture.md#the-my-account-proxy), in order: the route table first
 * (400/404/405 before any session or upstream work), the caller (session or bearer, else 401), the rate limit
 * (429, counted in Redis across instances), the raw body (413, 400 for bad JSON), then the gateway (scope
 * 403, step-up 401, one forward). The upstream's answer is sent as received: status, allow-listed headers,
 * the body bytes (no JSON re-serialisation, nothing logged).
 */
@Injectable()
export class MyAccountProxy {
  constructor(
    private readonly gateway: MyAccountGateway,
    private readonly callers: ProxyCallers,
    private readonly firstFactor: FirstFactorCheck,
    private readonly audit: AuditLog,
    private readonly limiter: RateLimiter,
    @Inject(PROXY_BODY_LIMIT) private readonly bodyLimit: number,
    @Inject(SESSION_CONFIG) private readonly session: SessionConfig,
  ) {}

  async handle(req: Request, res: Response): Promise<void> {
    const match = this.gateway.match(toRouteRequest(req));
    const resolved = await this.callers.resolve(req, match).catch((error: unknown) => {
      if (error instanceof SessionEnded) this.clearSessionCookie(res);
      throw error;
    });
    await this.enforceRateLimit(req, match, resolved);
    const body = await readRequestBody(req, { limit: this.bodyLimit, json: match.route.hasJsonBody });
    // The upstream sees the BFF's own request id (the browser's when it sent a sane one): one id per call.
    this.gateway.authorize(match, resolved.caller, body);
    const request = { headers: req.headers, requestId: req.id as string, body };
    const result = await this.exchange(match, resolved, request).catch((error: unknown) => {
      if (error instanceof SessionEnded) this.clearSessionCookie(res);
      throw error;
    });
    this.afterForward(match, result, resolved);
    send(res, result);
  }

  /**
   * One forward; when the API refuses a session's access token as `invalid_token` although it looked
   * fresh (revoked, say): one forced refresh (single flight per session, across instances) and one retry.
   * Refused again: 401 login_required, the session kept. Shared by the hot path.
   */
  async exchange(
    match: RouteMatch,
    resolved: ResolvedCaller,
    request: GatewayRequest,
  ): Promise<UpstreamResult> {
    const first = await this.gateway.send(match, resolved.caller, request);
    if (!resolved.rejectable || !isInvalidTokenAnswer(first)) return first;
    const caller = await this.callers.afterRejected(resolved);
    const second = await this.gateway.send(match, caller, request);
    if (isInvalidTokenAnswer(second))
      throw new NotAuthenticated('The My Account API refused the session. Sign in again.');
    return second;
  }

  /**
   * Counts the call before the body is read or anything forwarded. A session caller is counted by its
   * session; a bearer caller by its user, else every user of one server-rendered app would share its IP.
   */
  private async enforceRateLimit(req: Request, match: RouteMatch, who: ResolvedCaller): Promise<void> {
    const policy = rateLimitPolicy(match.route.operationId, match.route.method);
    if (!policy) return;
    await this.limiter.enforce(policy, req, who.session ? undefined : `sub:${who.sub}`);
  }

  /** The session is gone server-side: the browser should stop sending its cookie (same attributes as set). */
  clearSessionCookie(res: ServerResponse): void {
    const { cookieName, sameSite } = this.session;
    const site = sameSite === 'strict' ? 'Strict' : 'Lax';
    res.setHeader(
      'Set-Cookie',
      `${cookieName}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=${site}`,
    );
  }

  afterForward(match: RouteMatch, result: UpstreamResult, who: ResolvedCaller): void {
    if (result.status < 200 || result.status > 299) return;
    const { operationId } = match.route;
    if (METHOD_WRITES.has(operationId)) this.firstFactor.forget(who.sub);
    // An enrollment is done when the method exists (201), not when it was only started (202).
    if (ENROLLMENTS.has(operationId) && result.status === 201)
      this.audit.record('enrollment', auditFields(who, operationId));
    if (DELETIONS.has(operationId)) this.audit.record('deletion', auditFields(who, operationId));
  }
}

const auditFields = (who: ResolvedCaller, operation: string) => ({
  sub: who.sub,
  session: who.session,
  operation,
});

function send(res: Response, result: UpstreamResult): void {
  res.status(result.status);
  for (const [name, value] of Object.entries(result.headers)) res.setHeader(name, value);
  // `end`, not `send`: no ETag hashing, no content-type guessing, no conditional 304 on the bytes.
  res.end(result.body);
}
