import { createServer, type Server } from 'node:http';
import { freePort } from '../../support/redis.js';

/** A stand-in for the BFF's back-channel logout endpoint: records every logout_token posted to it. */
export interface BackchannelListener {
  readonly origin: string;
  readonly tokens: string[];
  close(): Promise<void>;
}

export async function startBackchannelListener(): Promise<BackchannelListener> {
  const port = await freePort();
  const tokens: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/auth/backchannel-logout') {
        const token = new URLSearchParams(Buffer.concat(chunks).toString('utf8')).get('logout_token');
        if (token) tokens.push(token);
        res.writeHead(200).end();
      } else {
        res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${port}`,
    tokens,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
