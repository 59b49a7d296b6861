import {
  type DynamicModule,
  Inject,
  Logger,
  type MiddlewareConsumer,
  Module,
  type ModuleMetadata,
  type NestModule,
} from '@nestjs/common';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWebAssets } from './web-assets.js';
import { webStaticMiddleware } from './web-static.middleware.js';

export interface WebOptions {
  /** `web.enabled`: serve the account page at `/` (on in development). */
  enabled: boolean;
  /** The built page (`node web/build.mjs`); default `<repo>/web/dist` (`src/web` and `dist/web` sit two levels down). */
  directory?: string;
}

export const WEB_OPTIONS = 'WEB_OPTIONS';

export const DEFAULT_WEB_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

export interface WebAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  inject?: (string | symbol | (abstract new (...args: never[]) => unknown))[];
  useFactory: (...args: never[]) => WebOptions | Promise<WebOptions>;
}

/** Serves the account page and its hashed assets at `/` when enabled; registers nothing otherwise. */
@Module({})
export class WebModule implements NestModule {
  private readonly logger = new Logger('WebModule');

  constructor(@Inject(WEB_OPTIONS) private readonly options: WebOptions) {}

  static forRoot(options: WebOptions): DynamicModule {
    return { module: WebModule, providers: [{ provide: WEB_OPTIONS, useValue: options }] };
  }

  static forRootAsync(options: WebAsyncOptions): DynamicModule {
    return {
      module: WebModule,
      imports: options.imports ?? [],
      providers: [{ provide: WEB_OPTIONS, inject: options.inject ?? [], useFactory: options.useFactory }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.options.enabled) return;
    const directory = this.options.directory ?? DEFAULT_WEB_DIRECTORY;
    const assets = loadWebAssets(directory);
    if (!assets) {
      // The API keeps working without the page; say how to get it rather than refuse to start.
      this.logger.warn(
        `web.enabled is on but ${join(directory, 'index.html')} is missing: run "node web/build.mjs"`,
      );
      return;
    }
    consumer.apply(webStaticMiddleware(assets)).forRoutes('{*path}');
  }
}
