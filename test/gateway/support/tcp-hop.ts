import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../../support/redis.js';

/**
 * A TCP hop a test can cut and restore (the network seam between the BFF and its Redis): Redis keeps its
 * data and the tenant keeps working, while the BFF sees an outage.
 */
export class TcpHop {
  port = 0;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();

  constructor(private readonly targetPort: number) {}

  get redisUrl(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.port = await freePort();
    await this.restore();
    return this;
  }

  restore(): Promise<void> {
    return new Promise((resolve) => {
      this.server = createServer((client) => {
        const upstream = connect(this.targetPort, '127.0.0.1');
        this.sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          this.sockets.delete(client);
          this.sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  cut(): Promise<void> {
    return new Promise((resolve) => {
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
      if (this.server) this.server.close(() => resolve());
      else resolve();
      this.server = undefined;
    });
  }
}
