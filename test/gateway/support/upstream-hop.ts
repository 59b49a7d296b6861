import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../support/redis.js';

/** A request as it reached the hop (that is: as the BFF sent it upstream). */
export interface HopRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The tenant's answer, once forwarded (not set for an `override`'s answer). */
  answer?: { status: number; wwwAuthenticate?: string };
}

/** The API refused the call only to hand out its DPoP nonce (RFC 9449 §9): the BFF sends it once more. */
export const isNonceChallenge = (r: HopRequest): boolean =>
  r.answer?.status === 401 && /error="use_dpop_nonce"/.test(r.answer.wwwAuthenticate ?? '');

/** Answers a request itself instead of forwarding it (a fake upstream for one case). */
export type HopOverride = (req: HopRequest, res: ServerResponse) => boolean;

export interface UpstreamHopOptions {
  /** Listen on this port (default: a free one). */
  port?: number;
  /**
   * The hop stands at the tenant's own origin (the tenant listens behind it): forward the Host header as
   * received, and record (and offer to `override`) only the My Account calls, not the sign-in traffic.
   */
  inFront?: boolean;
}

/**
 * A counting HTTP hop between the BFF and the tenant's My Account API (the BFF's `MY_ACCOUNT_BASE_URL`
 * points here): it records every request the BFF sends upstream, forwards it to the tenant with the
 * tenant's own Host, and rewrites absolute `Location`s back to itself, so the BFF sees one consistent
 * upstream. `override` lets a test answer instead (Set-Cookie, RFC 9470 challenges, 5xx, a hang).
 */
export class UpstreamHop {
  readonly seen: HopRequest[] = [];
  override: HopOverride | undefined;
  port = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly agent = new Agent({ keepAlive: true });
  private readonly target: URL;

  constructor(
    targetOrigin: string,
    private readonly options: UpstreamHopOptions = {},
  ) {
    this.target = new URL(targetOrigin);
    this.server = createServer((req, res) => this.onRequest(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** The base URL for `myAccount.baseUrl`. */
  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/me/v1`;
  }

  /** Requests seen so far whose path starts with `/me/v1` + `path` (all when omitted). */
  calls(path = ''): HopRequest[] {
    return this.seen.filter((r) => r.url.startsWith(`/me/v1${path}`));
  }

  /** Like `calls`, without the attempts the API refused only to hand out its DPoP nonce. */
  actedOn(path = ''): HopRequest[] {
    return this.calls(path).filter((r) => !isNonceChallenge(r));
  }

  async start(): Promise<this> {
    this.port = this.options.port ?? (await freePort());
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  async close(): Promise<void> {
    this.agent.destroy();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      if (this.options.inFront && !seen.url.startsWith('/me/v1/')) return this.forward(seen, res);
      this.seen.push(seen);
      if (this.override?.(seen, res)) return;
      this.forward(seen, res);
    });
  }

  private forward(seen: HopRequest, res: ServerResponse): void {
    const headers = this.options.inFront ? seen.headers : { ...seen.headers, host: this.target.host };
    const upstream = request(
      new URL(seen.url, this.target),
      { method: seen.method, headers, agent: this.agent },
      (answer) => {
        const challenge = answer.headers['www-authenticate'];
        seen.answer = { status: answer.statusCode ?? 502, wwwAuthenticate: challenge };
        const out = { ...answer.headers };
        if (typeof out.location === 'string')
          out.location = out.location.replace(this.target.origin, `http://127.0.0.1:${this.port}`);
        res.writeHead(answer.statusCode ?? 502, out);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      res.writeHead(502);
      res.end();
    });
    upstream.end(seen.body);
  }
}
