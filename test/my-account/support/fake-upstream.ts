import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { Socket } from 'node:net';
import { freePort } from '../../support/redis.js';

/** A request as the fake upstream received it. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Which TCP connection carried it (1, 2, ...): keep-alive reuse shows as repeated numbers. */
  connection: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/**
 * The network seam of the upstream client's tests: a real HTTP server on a free port standing in for the
 * My Account API, recording every request and the connections that carried them.
 */
export class FakeUpstream {
  readonly seen: SeenRequest[] = [];
  handler: Handler = (_req, res) => res.end();
  connections = 0;
  /** Numbers of the connections that have closed. */
  readonly closed = new Set<number>();
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const connection = (req.socket as Socket & { seq?: number }).seq ?? 0;
        this.seen.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
          connection,
        });
        this.handler(req, res, body);
      });
    });
    this.server.on('connection', (socket: Socket & { seq?: number }) => {
      socket.seq = ++this.connections;
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.closed.add(socket.seq!);
      });
    });
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}/me/v1`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    return this;
  }

  reset(handler: Handler): void {
    this.seen.length = 0;
    this.handler = handler;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Answers JSON with the given status and extra headers. */
export const json =
  (status: number, body: unknown, headers: Record<string, string | string[]> = {}): Handler =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
