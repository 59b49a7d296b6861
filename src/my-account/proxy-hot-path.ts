import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionData } from '../session/session.types.js';
import type { Logger } from 'pino';
import { checkCsrf, hasBody } from '../csrf/check-csrf.js';
import { csrfRequestOf, type CsrfOptions } from '../csrf/csrf.guard.js';
import {
  NO_STORE_HEADERS,
  requestIdOf,
  SECURITY_HEADERS,
  setNoStore,
  setSecurityHeaders,
} from '../http/http-middleware.js';
import { toProblem, writeProblemJson } from '../http/problem.js';
import { countProblem, logProblem } from '../http/problem-details.filter.js';
import { accessLogger, logAccess } from '../logging/http-logger.js';
import { secondsSince, type Metrics } from '../metrics/metrics.service.js';
import { nowInSeconds } from '../oidc/token-response.js';
import { isFresh } from '../session/refresh-margin.js';
import type { RedisSessionStore, StoredSession } from '../session/redis-session.store.js';
import { readSignedSessionId, type CookieSecret } from '../session/signed-cookie.js';
import { STORE_FAILURE } from '../session/session.middleware.js';
import type { TokenStore } from '../session/token.store.js';
import { tryMatchRoute, type RouteMatch, type RouteRequest } from './match-route.js';
import type { MyAccountGateway } from './my-account-gateway.js';
import { rateLimitPolicy, type MyAccountProxy } from './my-account-proxy.service.js';
import { SessionEnded, sessionCaller, type ProxyCallers, type ResolvedCaller } from './proxy-callers.js';
import { toRouteRequest } from './proxy-request.js';
import type { UpstreamResult } from './upstream-client.js';

export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ProxyHotPathParts {
  readonly store: RedisSessionStore;
  readonly tokens: TokenStore;
  readonly gateway: MyAccountGateway;
  readonly callers: ProxyCallers;
  readonly proxy: MyAccountProxy;
  readonly csrf: CsrfOptions;
  readonly secrets: readonly CookieSecret[];
  readonly logger: Logger;
  readonly metrics: Pick<Metrics, 'request' | 'stepUpChallenge'>;
}

/** A read the hot path took on after its synchronous checks: the matched route and the verified session id. */
interface Admitted {
  readonly match: RouteMatch;
  readonly sid: string;
  readonly path: string;
}

/**
 * The proxy's hot path (docs/architecture.md#the-proxy-hot-path): a plain `GET /api/me/v1/*` with a session
 * cookie is answered here, on the http.Server, before Express, Nest and express-session, doing only what such
 * a read needs: route table, cookie signature, CSRF rules, ONE Redis command (session and token record, no
 * write unless the activity write is due), idle/absolute deadlines, token decryption, scope and step-up
 * decisions, one upstream call on the gateway's keep-alive pool, the answer's bytes sent back. Every rule is
 * the same function the full path calls.
 *
 * Anything else goes to the application (the full path), unchanged and unread: other methods and paths,
 * bearer or anonymous callers, a cookie that does not verify, a session that is gone, over or undecryptable,
 * a token due for refresh, a refused scope or step-up, a store error. The full path then answers exactly
 * as it always does (it reads the session again, except after a store error: that failure is handed over,
 * so a stalled store costs one command timeout). Once the upstream was called, the
 * answer is the hot path's own, rendered by the same problem functions.
 */
export class ProxyHotPath {
  /** Reads answered here (for tests: proves the suites exercise this path). */
  served = 0;
  /** Off: every request goes to the application (tests compare both paths). */
  enabled = true;

  /** Access lines only (see `accessLogger`): no redaction pass per request. */
  private readonly access: Logger;

  constructor(private readonly parts: ProxyHotPathParts) {
    this.access = accessLogger(parts.logger);
  }

  /** The server's request listener: this path first, `app` for everything it does not take on. */
  listener(app: RequestListener): RequestListener {
    return (req, res) => {
      const admitted = this.enabled && req.method === 'GET' ? this.admit(req) : undefined;
      if (admitted) void this.serve(req, res, admitted, app).catch((err: unknown) => this.crashed(res, err));
      else app(req, res);
    };
  }

  /** A bug in this path, never an expected outcome: logged; the connection is closed rather than hung. */
  private crashed(res: ServerResponse, err: unknown): void {
    this.parts.logger.error({ err }, 'proxy hot path failed');
    res.destroy();
  }

  /** The synchronous checks: route, rate-limit policy, no body, a verified session cookie. */
  private admit(req: IncomingMessage): Admitted | undefined {
    const url = req.url ?? '/';
    let route: RouteRequest;
    try {
      route = toRouteRequest({ method: 'GET', originalUrl: url });
    } catch {
      return undefined;
    }
    const matched = tryMatchRoute(route, this.parts.gateway.routes);
    if (!matched.ok) return undefined;
    const { match } = matched;
    if (rateLimitPolicy(match.route.operationId, match.route.method) || hasBody(req.headers))
      return undefined;
    const { csrf, secrets } = this.parts;
    const sid = readSignedSessionId(req.headers.cookie, csrf.sessionCookieName, secrets);
    if (!sid) return undefined;
    const q = url.indexOf('?');
    return { match, sid, path: q < 0 ? url : url.slice(0, q) };
  }

  private async serve(
    req: IncomingMessage,
    res: ServerResponse,
    admitted: Admitted,
    app: RequestListener,
  ): Promise<void> {
    const started = performance.now();
    let resolved: ResolvedCaller | undefined;
    try {
      resolved = await this.resolve(req, admitted);
    } catch {
      resolved = undefined; // a store error or a token record the full path must judge (503 / 401)
    }
    if (!resolved) {
      app(req, res);
      return;
    }
    const requestId = requestIdOf(req.headers['x-request-id']);
    this.served++;
    let status: number;
    try {
      const result = await this.parts.proxy.exchange(admitted.match, resolved, {
        headers: req.headers,
        requestId,
      });
      this.parts.proxy.afterForward(admitted.match, result, resolved);
      status = send(res, requestId, result);
    } catch (error) {
      status = this.fail(res, requestId, admitted, error);
    }
    // What Express's request middleware records for the full path: the metrics line and the access line.
    this.parts.metrics.request('my_account', status, secondsSince(started));
    const url = req.url ?? '/';
    logAccess(this.access, { id: requestId, method: 'GET', url }, status, performance.now() - started);
  }

  /**
   * The session's caller, or undefined when the full path must decide: the session is absent, destroyed,
   * over or malformed; its tokens are missing or due for refresh; scope or step-up would refuse.
   */
  private async resolve(req: IncomingMessage, admitted: Admitted): Promise<ResolvedCaller | undefined> {
    const { store, tokens, gateway, callers } = this.parts;
    const { sid, match } = admitted;
    const record = await store.readRecord(sid).catch((err: unknown) => {
      // The full path answers (503 with Retry-After, the session kept) without reading again: a stalled
      // store must cost one command timeout, not two.
      (req as StoreFailureCarrier)[STORE_FAILURE] = err;
      return undefined;
    });
    if (!record || store.isPastDeadline(record)) return undefined;
    const data = parseSessionData(record);
    if (!data) return undefined;
    const csrfRequest = { method: 'GET', path: admitted.path, headers: req.headers };
    if (!checkCsrf(csrfRequestOf(csrfRequest, this.parts.csrf, data.csrfToken)).ok) return undefined;
    const current = tokens.decode(sid, record.tokens);
    if (!current || !isFresh(current.tokens, nowInSeconds())) return undefined;
    const resolved = await sessionCaller(sid, data, current.tokens, req.headers.referer);
    if (callers.needsFirstFactorFact(match, resolved.caller.stepUp!.lastMfaAt)) return undefined;
    try {
      gateway.authorize(match, resolved.caller);
    } catch {
      return undefined;
    }
    this.touch(sid, record.seen);
    return resolved;
  }

  /** The activity write, when due (at most once per touch interval), beside the upstream call. */
  private touch(sid: string, lastSeenAt: number): void {
    this.parts.store.touchIfDue(sid, lastSeenAt).catch((err: unknown) => {
      this.parts.logger.warn({ err: { message: (err as Error).message } }, 'session activity write failed');
    });
  }

  /** An error after the upstream was called (502, 504, a translated step-up challenge): the one renderer. */
  private fail(res: ServerResponse, requestId: string, admitted: Admitted, error: unknown): number {
    const problem = toProblem(error, { method: 'GET', path: admitted.path });
    logProblem(this.parts.logger, { id: requestId, method: 'GET', path: admitted.path }, problem, error);
    countProblem(this.parts.metrics, problem);
    if (!res.headersSent) setBaseHeaders(res, requestId);
    if (error instanceof SessionEnded && !res.headersSent) this.parts.proxy.clearSessionCookie(res);
    writeProblemJson(res, problem);
    return problem.status;
  }
}

/** The headers every `/api` answer carries on the full path too (request id, security, no-store). */
function setBaseHeaders(res: ServerResponse, requestId: string): void {
  res.setHeader('X-Request-Id', requestId);
  setSecurityHeaders(res);
  setNoStore(res);
}

/**
 * The upstream's answer as received: status, the base headers, the allow-listed upstream headers, the body
 * bytes. One `writeHead` with a flat name/value list: Node writes it as given, without keeping a header map.
 */
function send(res: ServerResponse, requestId: string, result: UpstreamResult): number {
  const { headers, body } = result;
  // The header block is written here, before `end` could add the length: say it (no chunked framing).
  const list = ['X-Request-Id', requestId, ...SECURITY_HEADERS, ...NO_STORE_HEADERS];
  if (result.status !== 204 && result.status !== 304) list.push('Content-Length', String(body.length));
  for (const name in headers) list.push(name, headers[name]);
  res.writeHead(result.status, list);
  res.end(body);
  return result.status;
}

/** The raw request as the session middleware reads it: Express keeps the same object. */
type StoreFailureCarrier = IncomingMessage & { [STORE_FAILURE]?: unknown };

/** The session data of a signed-in session, or undefined (malformed, or no user: the full path decides). */
function parseSessionData(record: StoredSession): SessionData | undefined {
  try {
    const data = JSON.parse(record.data) as SessionData;
    return data?.user?.sub ? data : undefined;
  } catch {
    return undefined;
  }
}
