import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';
import { UpstreamTimeout, UpstreamUnavailable } from './gateway-error.js';

/** One raw HTTP answer, fully read. */
export interface RawResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface ExchangeRequest {
  readonly method: string;
  /** Path and query on the pool's origin, e.g. `/me/v1/authentication-methods?type=totp`. */
  readonly path: string;
  /** Header names and values as strings (undici refuses numbers), in one flat list: name, value, name, ... */
  readonly headers: string[];
  readonly body?: Buffer;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

export type PoolAgent = Pool;

/**
 * A keep-alive pool for one upstream origin: undici's `Pool`, driven through `dispatch` with a plain
 * handler object, so a call costs no stream, no promise chain inside the client and no WHATWG
 * conversion (docs/architecture.md#performance). `connections` bounds the pool; idle sockets close after
 * `idleTimeoutMs`, or earlier when the upstream's `Keep-Alive: timeout` hint says so.
 */
export function createPoolAgent(url: URL, maxSockets: number, idleTimeoutMs: number): PoolAgent {
  return new Pool(url.origin, {
    connections: maxSockets,
    pipelining: 1,
    keepAliveTimeout: idleTimeoutMs,
    keepAliveMaxTimeout: idleTimeoutMs,
  });
}

/**
 * Sends one request and reads the whole answer. The timeout covers the entire exchange (waiting for a
 * pooled connection, connect, headers and body) and aborts the request, so a hanging upstream frees its
 * connection (H2). Errors are typed: `UpstreamTimeout` (504) or `UpstreamUnavailable` (502); nothing is
 * retried here.
 */
export function exchange(pool: PoolAgent, request: ExchangeRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    pool.dispatch(
      {
        path: request.path,
        method: request.method,
        headers: request.headers,
        body: request.body,
        headersTimeout: request.timeoutMs,
        bodyTimeout: request.timeoutMs,
      },
      new ExchangeHandler(request, resolve, reject),
    );
  });
}

/** The answer being read: one object per call, no closures. */
class ExchangeHandler implements Dispatcher.DispatchHandler {
  private controller?: Dispatcher.DispatchController;
  private settled = false;
  private responded = false;
  private status = 0;
  private headers: IncomingHttpHeaders = {};
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly request: ExchangeRequest,
    private readonly resolve: (response: RawResponse) => void,
    private readonly reject: (error: Error) => void,
  ) {
    this.timer = setTimeout(() => this.fail(new UpstreamTimeout(request.timeoutMs)), request.timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    // Timed out while waiting for a pooled connection: do not send it at all.
    if (this.settled) controller.abort(new Error('abandoned'));
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders,
  ): void {
    this.responded = true;
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.size += chunk.length;
    if (this.size > this.request.maxResponseBytes)
      this.fail(new UpstreamUnavailable('The My Account API answered with a body too large'));
    else this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    const body = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.size);
    this.resolve({ status: this.status, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController, cause: Error): void {
    const detail = this.responded ? 'connection broke' : 'could not be reached';
    this.fail(unavailable(`The My Account API ${detail}`, cause));
  }

  private fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.controller?.abort(error);
    this.reject(error);
  }
}

function unavailable(detail: string, cause: unknown): UpstreamUnavailable {
  const error = new UpstreamUnavailable(detail);
  error.cause = cause;
  return error;
}
