import { type DynamicModule, Global, Module, type Provider } from '@nestjs/common';
import type { MetricsConfig } from '../config/config.schema.js';
import { MetricsController } from './metrics.controller.js';
import { MetricsServer } from './metrics-server.js';
import { Metrics } from './metrics.service.js';

/**
 * The `Metrics` recorder, injectable everywhere, and its exposition as configured (`metrics` in
 * config/default.yaml): a separate listener (default), `/metrics` on the public port (`port: null`), or
 * none (`enabled: false`, nothing is collected beyond the BFF's own counters).
 */
@Global()
@Module({})
export class MetricsModule {
  static forRoot(config: MetricsConfig): DynamicModule {
    const metrics: Provider = {
      provide: Metrics,
      useFactory: () => new Metrics({ defaultMetrics: config.enabled }),
    };
    const exposed = config.enabled;
    return {
      module: MetricsModule,
      controllers: exposed && config.port === null ? [MetricsController] : [],
      providers: [metrics, ...(exposed && config.port !== null ? [MetricsServer] : [])],
      exports: [Metrics],
    };
  }
}
