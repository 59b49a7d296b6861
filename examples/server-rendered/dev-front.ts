/**
 * The development stand-in for the compose stack's reverse proxy: one origin (`npm start`'s
 * http://localhost:3000) in front of the BFF and the server-rendered example. Requests under the example's
 * prefix go to the example, every other request to the BFF; bodies stream through and response headers
 * (several `Set-Cookie` lines included) pass unchanged. Never used in production.
 */
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';

export interface DevFrontOptions {
  /** Where browsers connect, e.g. 3000. */
  port: number;
  host?: string;
  /** The BFF, e.g. `http://127.0.0.1:3100`. */
  bffUrl: string;
  /** The example app, e.g. `http://127.0.0.1:3001`. */
  exampleUrl: string;
  /** The path prefix routed to the example (default `/example`). */
  examplePrefix?: string;
}

export interface DevFront {
  readonly url: string;
  close(): Promise<void>;
}

export function isUnderPrefix(path: string, prefix: string): boolean {
  const pathname = path.split('?')[0];
  return pathname === prefix || pathname.startsWith(`${prefix}/`);
}

export async function startDevFront(options: DevFrontOptions): Promise<DevFront> {
  const prefix = options.examplePrefix ?? '/example';
  const agent = new Agent({ keepAlive: true });
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const toExample = isUnderPrefix(req.url ?? '/', prefix);
    const target = new URL(toExample ? options.exampleUrl : options.bffUrl);
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.rawHeaders);
        answer.pipe(res);
      },
    );
    upstream.once('error', () => {
      if (res.headersSent) return void res.destroy();
      const what = toExample
        ? 'The server-rendered example is not running: start it with npm run start:example.'
        : 'The BFF is not answering.';
      res
        .writeHead(502, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
        .end(what);
    });
    req.pipe(upstream);
  };
  const server = createServer(forward);
  await new Promise<void>((resolve) => server.listen(options.port, options.host ?? '127.0.0.1', resolve));
  return {
    url: `http://localhost:${options.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

// `node dist/example/dev-front.js` (npm start): FRONT_PORT, BFF_URL, EXAMPLE_URL.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const env = process.env;
  void startDevFront({
    port: Number(env.FRONT_PORT ?? 3000),
    bffUrl: env.BFF_URL ?? 'http://127.0.0.1:3100',
    exampleUrl: env.EXAMPLE_URL ?? 'http://127.0.0.1:3001',
  });
}
