import { createServer, type Server } from 'node:https';
import type { TestCertificate } from './tls.js';

/**
 * A tiny HTTPS server for a browser test's own origin (`https://localhost:<port>`): fixed files by path,
 * one HTML page for every other path (an SPA's callback routes). It sets no CORS headers: every call to
 * another origin is the browser's CORS check against that origin's answers.
 */
export interface StaticSite {
  readonly origin: string;
  close(): Promise<void>;
}

export async function startStaticSite(
  cert: TestCertificate,
  files: Record<string, { type: string; body: string | Buffer }>,
  page: string,
): Promise<StaticSite> {
  const server: Server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const file = files[path] ?? { type: 'text/html; charset=utf-8', body: page };
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' });
    res.end(file.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    origin: `https://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
