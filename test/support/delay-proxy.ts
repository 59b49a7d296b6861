import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './redis.js';

/**
 * A TCP proxy in front of one Redis node that can hold its replies back (the network seam): with
 * `delayReplies(1500)` every reply reaches the client 1.5 s after Redis sent it, in order, while Redis
 * has already executed the command. That is the "slow store" case: a timed-out command still runs.
 */
export interface DelayProxy {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** Delay every reply from now on by `ms` (0: forward at once again; replies already held keep theirs). */
  delayReplies(ms: number): void;
  close(): Promise<void>;
}

export async function startDelayProxy(targetPort: number, listenPort?: number): Promise<DelayProxy> {
  const port = listenPort ?? (await freePort());
  let delayMs = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    // Replies leave in order: each waits for the later of its own due time and the previous reply.
    let last = Promise.resolve();
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      const due = Date.now() + delayMs;
      last = last.then(async () => {
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (!client.destroyed) client.write(chunk);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    delayReplies: (ms) => {
      delayMs = ms;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
