import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { freePort } from './redis.js';

/** What the balancer saw: every client request ends in exactly one of `answered` or `failed`. */
export interface BalancerStats {
  /** Requests answered with a backend's response (whatever its status). */
  answered: number;
  /** Requests the balancer answered 502 itself (every backend refused, or a backend broke mid-request). */
  failed: number;
  /** Attempts moved to the next backend because a connection was refused. */
  retriedRefused: number;
  /** GET/HEAD attempts moved to the next backend because the connection was reset before any answer. */
  retriedReset: number;
}

export interface Balancer {
  /** `http://localhost:<port>`: the one public origin of the processes behind it. */
  readonly url: string;
  readonly port: number;
  readonly stats: BalancerStats;
  /** Replaces the backends (`http://127.0.0.1:<port>` each). */
  setBackends(urls: string[]): void;
  close(): Promise<void>;
}

/**
 * A small round-robin HTTP balancer, the "one origin" in front of several BFF processes. Each attempt
 * opens a new connection to a backend (no keep-alive), so a backend that stopped listening (graceful
 * shutdown) refuses the connection before any byte of the request was sent: then the request is retried
 * on the next backend, which is safe for any method. A connection reset before any answer is retried for
 * GET and HEAD only, as nginx's `proxy_next_upstream error` does: a process that closes its listener drops
 * the connections the kernel had queued but the process had not accepted yet. Any other failure (a reset
 * of another method, a timeout, a half-sent response) is answered 502 and counted in `failed`.
 */
export async function startBalancer(backends: string[], port?: number): Promise<Balancer> {
  const listenPort = port ?? (await freePort());
  let targets = [...backends];
  let next = 0;
  const stats: BalancerStats = { answered: 0, failed: 0, retriedRefused: 0, retriedReset: 0 };

  const forward = (req: IncomingMessage, res: ServerResponse, body: Buffer, attempt: number) => {
    const target = new URL(targets[next++ % targets.length]);
    let answered = false;
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, connection: 'close' },
        agent: false,
      },
      (answer) => {
        answered = true;
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
        answer.once('end', () => stats.answered++);
        answer.once('error', () => {
          stats.failed++;
          res.destroy();
        });
      },
    );
    upstream.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED' && attempt + 1 < targets.length * 2) {
        stats.retriedRefused++;
        forward(req, res, body, attempt + 1);
        return;
      }
      const idempotent = req.method === 'GET' || req.method === 'HEAD';
      if (err.code === 'ECONNRESET' && idempotent && !answered && attempt + 1 < targets.length * 2) {
        stats.retriedReset++;
        forward(req, res, body, attempt + 1);
        return;
      }
      stats.failed++;
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { 'content-type': 'text/plain' }).end(`balancer: ${err.code ?? err.message}`);
    });
    upstream.end(body);
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => forward(req, res, Buffer.concat(chunks), 0));
  });
  await new Promise<void>((resolve) => server.listen(listenPort, '127.0.0.1', resolve));
  return {
    url: `http://localhost:${listenPort}`,
    port: listenPort,
    stats,
    setBackends: (urls) => {
      targets = [...urls];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
