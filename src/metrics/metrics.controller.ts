import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '../auth/public.decorator.js';
import { Metrics } from './metrics.service.js';

/**
 * `GET /metrics` on the public port, only when `metrics.port` is null (see config/default.yaml): then
 * anyone who reaches the BFF's port can read it, so the reverse proxy in front must not forward it.
 */
@Public()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get('metrics')
  async scrape(@Res() res: Response): Promise<void> {
    res
      .status(200)
      .type(this.metrics.contentType)
      .end(await this.metrics.render());
  }
}
