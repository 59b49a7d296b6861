import {
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { UpstreamTimeout, UpstreamUnavailable } from './gateway-error.js';

/** One raw HTTP answer, fully read. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ExchangeRequest {
  readonly method: string;
  readonly url: URL;
  readonly headers: OutgoingHttpHeaders;
  readonly body?: Buffer;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export type PoolAgent = HttpAgent | HttpsAgent;

/**
 * A keep-alive pool for one upstream origin. node:http's Agent rather than the global fetch: undici is not
 * a dependency, and fetch's built-in dispatcher can be neither sized nor shared explicitly, while an Agent
 * gives a bounded pool (`maxSockets`), idle sockets closed before the server's `Keep-Alive: timeout` hint,
 * and Buffers in and out with no WHATWG stream conversion on the hot path (docs/architecture.md#performance).
 */
export function createPoolAgent(url: URL, maxSockets: number, idleTimeoutMs: number): PoolAgent {
  const options = {
    keepAlive: true,
    maxSockets,
    maxFreeSockets: maxSockets,
    timeout: idleTimeoutMs,
    scheduling: 'lifo' as const,
  };
  return url.protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

/**
 * Sends one request and reads the whole answer. The timeout covers the entire exchange (connect, headers
 * and body) and destroys the socket, so a hanging upstream frees its connection (H2). Errors are typed:
 * `UpstreamTimeout` (504) or `UpstreamUnavailable` (502); nothing is retried here.
 */
export function exchange(agent: PoolAgent, request: ExchangeRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle: Settle = (error, response) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        req.destroy();
        reject(error);
      } else resolve(response!);
    };
    const send = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(request.url, { method: request.method, headers: request.headers, agent });
    const timer = setTimeout(() => settle(new UpstreamTimeout(request.timeoutMs)), request.timeoutMs);
    req.on('error', (cause) => settle(unavailable('The My Account API could not be reached', cause)));
    req.on('response', (res) => readResponse(res, request.maxResponseBytes, settle));
    req.end(request.body);
  });
}

type Settle = (error?: Error, response?: RawResponse) => void;

/** Collects the body up to `maxBytes`; a broken or oversized answer settles as 502. */
function readResponse(res: IncomingMessage, maxBytes: number, settle: Settle): void {
  const chunks: Buffer[] = [];
  let size = 0;
  res.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > maxBytes) settle(new UpstreamUnavailable('The My Account API answered with a body too large'));
    else chunks.push(chunk);
  });
  res.on('error', (cause) => settle(unavailable('The My Account API connection broke', cause)));
  res.on('aborted', () => settle(new UpstreamUnavailable('The My Account API connection broke')));
  res.on('end', () =>
    settle(undefined, { status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }),
  );
}

function unavailable(detail: string, cause: unknown): UpstreamUnavailable {
  const error = new UpstreamUnavailable(detail);
  error.cause = cause;
  return error;
}
