import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { MetricsConfig } from '../config/config.schema.js';
import { METRICS_CONFIG } from '../config/config.tokens.js';
import { ROOT_LOGGER } from '../logging/logger.js';
import { Metrics } from './metrics.service.js';

/**
 * The metrics listener apart from the public port (`metrics.port`, `metrics.host`): a reverse proxy that
 * forwards the public origin to `server.port` never exposes it. It answers `GET /metrics` and nothing else,
 * carries no cookie, session or CORS header, and starts with the app (before `listen`), so a process
 * stuck at boot can still be scraped.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: Server | undefined;

  constructor(
    private readonly metrics: Metrics,
    @Inject(METRICS_CONFIG) private readonly config: MetricsConfig,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
  ) {}

  /** `http://host:port` once listening (the bound port when configured as 0). */
  get url(): string | undefined {
    const address = this.server?.address() as AddressInfo | null | undefined;
    if (!address) return undefined;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.port ?? 0, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.logger.info({ url: this.url }, 'metrics listening');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path !== '/metrics') return end(res, 404, 'text/plain', 'Not found\n');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return end(res, 405, 'text/plain', 'Method not allowed\n');
    }
    try {
      const body = await this.metrics.render();
      end(res, 200, this.metrics.contentType, req.method === 'HEAD' ? '' : body);
    } catch (err) {
      this.logger.error({ err }, 'metrics rendering failed');
      end(res, 500, 'text/plain', 'Metrics unavailable\n');
    }
  }
}

function end(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}
