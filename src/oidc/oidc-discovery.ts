import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { OidcConfig } from '../config/config.schema.js';
import { buildClientAuth } from './client-auth.js';
import type { OidcFetch } from './oidc-fetch.js';

/**
 * Discovery once at boot, retried in the background until it succeeds (never per request). Until then
 * /readyz is false and logins answer 503.
 */
export class OidcDiscovery {
  private configuration: client.Configuration | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly ready: Promise<client.Configuration>;
  private resolveReady!: (c: client.Configuration) => void;

  constructor(
    private readonly config: OidcConfig,
    private readonly fetchImpl: OidcFetch,
    private readonly logger: Logger,
  ) {
    this.ready = new Promise((resolve) => (this.resolveReady = resolve));
  }

  get current(): client.Configuration | undefined {
    return this.configuration;
  }

  /** Resolves once discovery succeeded (tests, startup logs). */
  whenReady(): Promise<client.Configuration> {
    return this.ready;
  }

  start(): void {
    void this.attempt();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private async attempt(): Promise<void> {
    try {
      const configuration = await this.discover();
      if (this.stopped) return;
      this.configuration = configuration;
      this.logger.info({ issuer: this.config.issuer }, 'oidc discovery loaded');
      this.resolveReady(configuration);
    } catch (err) {
      if (this.stopped) return;
      this.logger.warn(
        { issuer: this.config.issuer, err: { message: (err as Error).message } },
        'oidc discovery failed; retrying',
      );
      this.timer = setTimeout(() => void this.attempt(), this.config.discoveryRetryMs);
      this.timer.unref();
    }
  }

  private async discover(): Promise<client.Configuration> {
    const execute = [client.enableNonRepudiationChecks];
    if (this.config.allowInsecureRequests) execute.push(client.allowInsecureRequests);
    const configuration = await client.discovery(
      new URL(this.config.issuer),
      this.config.clientId,
      // An allow-list of ID token algorithms (oauth4webapi accepts a list here). BCP-9.
      { id_token_signed_response_alg: [...this.config.idTokenAlgs] as unknown as string },
      await buildClientAuth(this.config),
      {
        execute,
        timeout: Math.ceil(this.config.timeoutMs / 1000),
        [client.customFetch]: (url, options) => this.fetchImpl(url, options as RequestInit),
      },
    );
    configuration.timeout = Math.ceil(this.config.timeoutMs / 1000);
    return configuration;
  }
}
