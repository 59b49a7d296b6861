import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { OidcClient } from '../oidc/oidc.client.js';
import { RedisAdapter } from '../session/redis.adapter.js';
import { ShutdownDrain } from './shutdown-drain.js';
import { BFF_VERSION } from './version.js';

/**
 * Liveness never depends on Redis (no restart storms, TST-8); readiness needs Redis answering and the
 * OIDC discovery loaded, and is 503 from a shutdown signal on (ShutdownDrain). Both name the running
 * version (package.json).
 */
@Controller()
export class HealthController {
  constructor(
    private readonly store: RedisAdapter,
    private readonly oidc: OidcClient,
    private readonly drain: ShutdownDrain,
  ) {}

  @Public()
  @Get('healthz')
  @HttpCode(200)
  liveness() {
    return { status: 'ok', version: BFF_VERSION };
  }

  @Public()
  @Get('readyz')
  async readiness(@Res({ passthrough: true }) res: Response) {
    const redis = await this.store.ping();
    const oidc = this.oidc.isReady();
    const draining = this.drain.draining;
    const ready = redis && oidc && !draining;
    res.status(ready ? 200 : 503).setHeader('Cache-Control', 'no-store');
    return {
      status: ready ? 'ok' : 'unavailable',
      version: BFF_VERSION,
      checks: {
        redis: redis ? 'ok' : 'down',
        oidc_discovery: oidc ? 'ok' : 'pending',
        shutdown: draining ? 'draining' : 'no',
      },
    };
  }
}
