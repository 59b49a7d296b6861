import * as client from 'openid-client';
import type { Logger } from 'pino';
import type { OidcConfig } from '../config/config.schema.js';
import { buildClientAuth } from './client-auth.js';
import type { OidcFetch } from './oidc-fetch.js';

/**
 * How long a refresh's answer is still taken in after the caller gave up at `oidc.timeoutMs` (a rotated
 * refresh token must not be lost because the tenant was slow; access-tokens.service.ts records it).
 */
export const LATE_ANSWER_SECONDS = 60;

/**
 * Discovery once at boot, retried in the background until it succeeds (never per request). Until then
 * /readyz is false and logins answer 503.
 */
export class OidcDiscovery {
  private configuration: client.Configuration | undefined;
  private patientConfiguration: client.Configuration | undefined;
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

  /**
   * The same client, but its HTTP calls wait up to `LATE_ANSWER_SECONDS`: for a refresh the caller stops
   * waiting at `timeoutMs` while the tenant's answer is still taken in (oidc.client.ts, `refresh`).
   */
  get patient(): client.Configuration | undefined {
    return this.patientConfiguration;
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
    // An allow-list of ID token algorithms (oauth4webapi accepts a list here). BCP-9.
    const metadata = { id_token_signed_response_alg: [...this.config.idTokenAlgs] as unknown as string };
    const clientAuth = await buildClientAuth(this.config);
    const customFetch: client.CustomFetch = (url, options) => this.fetchImpl(url, options as RequestInit);
    const configuration = await client.discovery(
      new URL(this.config.issuer),
      this.config.clientId,
      metadata,
      clientAuth,
      { execute, timeout: Math.ceil(this.config.timeoutMs / 1000), [client.customFetch]: customFetch },
    );
    configuration.timeout = Math.ceil(this.config.timeoutMs / 1000);
    const patient = new client.Configuration(
      configuration.serverMetadata(),
      this.config.clientId,
      metadata,
      clientAuth,
    );
    for (const feature of execute) feature(patient);
    patient[client.customFetch] = customFetch;
    patient.timeout = LATE_ANSWER_SECONDS;
    this.patientConfiguration = patient;
    return configuration;
  }
}
