import { isDpopNonceChallenge, readDpopNonce, type DpopProofFactory } from './dpop.js';
import { UpstreamUnavailable } from './gateway-error.js';
import { buildReturnedResponseHeaders } from './headers.js';
import type { RouteMatch } from './match-route.js';
import { createPoolAgent, exchange, type PoolAgent, type RawResponse } from './upstream-exchange.js';

export interface UpstreamClientOptions {
  /** The My Account API base, e.g. `https://tenant.auth0.com/me/v1` (config `MY_ACCOUNT_BASE_URL`). */
  readonly baseUrl: string;
  /** Keep-alive pool size (default 64). */
  readonly maxSockets?: number;
  /** Idle sockets are closed after this (default 15 s, or earlier when the upstream's Keep-Alive hint says so). */
  readonly idleTimeoutMs?: number;
  /** Larger upstream bodies are refused with 502 (default 1 MiB; My Account lists hold at most 20 items). */
  readonly maxResponseBytes?: number;
}

/** One request to forward: the matched route plus what the caller attaches. */
export interface UpstreamCall {
  readonly match: Pick<RouteMatch, 'upstreamPath' | 'query'> & {
    route: { method: string; timeoutMs: number };
  };
  /** Already allow-listed browser headers (`buildForwardedRequestHeaders`). */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw request body, passed through as received (never re-serialised). */
  readonly body?: Buffer;
  /** `Bearer <at>` or `DPoP <at>`: the BFF's own credential (the browser's never reaches here). */
  readonly authorization: string;
  /** With DPoP: signs a fresh proof per attempt; enables the one `use_dpop_nonce` retry (RFC 9449 §9). */
  readonly dpop?: DpopProofFactory;
  /** The last `DPoP-Nonce` this upstream sent, if any. */
  readonly dpopNonce?: string;
  /** Overrides the route's timeout. */
  readonly timeoutMs?: number;
}

/** What the gateway may send back: headers already allow-listed, `Location` already rewritten. */
export interface UpstreamResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** The upstream's `WWW-Authenticate`, for step-up translation only; never sent to the browser. */
  readonly wwwAuthenticate?: string;
  /** The newest `DPoP-Nonce`, for the caller to remember for this upstream; never sent to the browser. */
  readonly dpopNonce?: string;
}

/** The headers only the BFF sets on an upstream call, never taken from `UpstreamCall.headers`. */
const OWN_HEADERS = new Set(['authorization', 'dpop', 'content-length']);

const DEFAULTS = { maxSockets: 64, idleTimeoutMs: 15_000, maxResponseBytes: 1024 * 1024 };

/**
 * The one adapter that calls the My Account API (STYLE rule 3). 2xx, 3xx and 4xx pass through (status,
 * body, allow-listed headers); 5xx becomes 502 `upstream_unavailable` without the upstream body; a timeout
 * 504; a connection failure 502. It never retries, except once on a DPoP `use_dpop_nonce` challenge: the
 * upstream refused that request before acting on it (docs/architecture.md#the-my-account-proxy, DP-5).
 */
export class UpstreamClient {
  private readonly base: URL;
  /** Origin and base path, e.g. `https://tenant.auth0.com/me/v1` (`Location` rewriting). */
  private readonly prefix: string;
  /** The origin, e.g. `https://tenant.auth0.com`. */
  private readonly origin: string;
  /** The base path without a trailing slash, e.g. `/me/v1`. */
  private readonly basePath: string;
  private readonly agent: PoolAgent;
  private readonly maxResponseBytes: number;

  constructor(options: UpstreamClientOptions) {
    this.base = new URL(options.baseUrl);
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new Error(`The My Account base URL must be http(s), not ${this.base.protocol}`);
    }
    this.basePath = this.base.pathname.replace(/\/+$/, '');
    this.origin = this.base.origin;
    this.prefix = `${this.origin}${this.basePath}`;
    const maxSockets = options.maxSockets ?? DEFAULTS.maxSockets;
    this.agent = createPoolAgent(this.base, maxSockets, options.idleTimeoutMs ?? DEFAULTS.idleTimeoutMs);
    this.maxResponseBytes = options.maxResponseBytes ?? DEFAULTS.maxResponseBytes;
  }

  /** The upstream URL of a matched path, as called and as used for DPoP `htu`. */
  urlFor(upstreamPath: string, query = ''): URL {
    return new URL(`${this.origin}${this.pathFor(upstreamPath, query)}`);
  }

  /** Path and query of a matched path on the upstream origin (no URL parse per request). */
  private pathFor(upstreamPath: string, query = ''): string {
    return `${this.basePath}${upstreamPath}${query ? `?${query}` : ''}`;
  }

  async forward(call: UpstreamCall): Promise<UpstreamResult> {
    const path = this.pathFor(call.match.upstreamPath, call.match.query);
    let response = await this.attempt(call, path, call.dpopNonce);
    let nonce = readDpopNonce(response.headers['dpop-nonce']) ?? call.dpopNonce;
    if (call.dpop && isDpopNonceChallenge(response.status, response.headers['www-authenticate'])) {
      const fresh = readDpopNonce(response.headers['dpop-nonce']);
      if (!fresh)
        throw new UpstreamUnavailable('The My Account API asked for a DPoP nonce without sending one');
      response = await this.attempt(call, path, fresh);
      nonce = readDpopNonce(response.headers['dpop-nonce']) ?? fresh;
      if (isDpopNonceChallenge(response.status, response.headers['www-authenticate'])) {
        throw new UpstreamUnavailable('The My Account API refused the DPoP nonce it had just sent');
      }
    }
    return this.toResult(response, nonce);
  }

  /** Closes the pool's sockets (graceful shutdown). */
  close(): void {
    void this.agent.destroy();
  }

  private async attempt(call: UpstreamCall, path: string, nonce: string | undefined): Promise<RawResponse> {
    const method = call.match.route.method;
    // A flat name/value list, as undici keeps them: no object copied per call.
    const headers = ['authorization', call.authorization];
    for (const name in call.headers) if (!OWN_HEADERS.has(name)) headers.push(name, call.headers[name]);
    if (call.dpop)
      headers.push('dpop', await call.dpop({ htm: method, htu: `${this.origin}${path}`, nonce }));
    if (call.body !== undefined || method === 'POST' || method === 'PATCH') {
      headers.push('content-length', String(call.body?.length ?? 0));
    }
    const timeoutMs = call.timeoutMs ?? call.match.route.timeoutMs;
    return exchange(this.agent, {
      method,
      path,
      headers,
      body: call.body,
      timeoutMs,
      maxResponseBytes: this.maxResponseBytes,
    });
  }

  private toResult(response: RawResponse, dpopNonce: string | undefined): UpstreamResult {
    if (response.status >= 500) {
      throw new UpstreamUnavailable(`The My Account API failed (HTTP ${response.status})`, response.status);
    }
    const challenge = response.headers['www-authenticate'];
    return {
      status: response.status,
      headers: buildReturnedResponseHeaders(response.headers, this.prefix),
      body: response.body,
      ...(challenge === undefined
        ? {}
        : { wwwAuthenticate: Array.isArray(challenge) ? challenge.join(', ') : challenge }),
      ...(dpopNonce === undefined ? {} : { dpopNonce }),
    };
  }
}
