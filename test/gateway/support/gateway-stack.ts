import { Secret } from 'otpauth';
import type { ConfigInput } from '../../../src/config/config.schema.js';
import { SessionService } from '../../../src/session/session.service.js';
import type { TokenSet } from '../../../src/session/session.types.js';
import type { TenantConfig } from '../../../tenant/config/tenant-config.schema.js';
import {
  loginThroughBff,
  MFA_ACR,
  startTestBff,
  type TestBff,
  type TestBffOptions,
} from '../../support/bff.js';
import { CookieClient, type ClientResponse, type RequestOptions } from '../../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../../support/redis.js';
import { totpNow } from '../../support/tenant-login.js';
import { startTestTenant, type TestTenant } from '../../support/tenant.js';
import { createTokenTamper, type TokenTamper } from '../../support/token-tamper.js';
import { TcpHop } from './tcp-hop.js';
import { UpstreamHop } from './upstream-hop.js';

/** A user the test adds to the tenant: own TOTP secret (so tests never share a mutable account). */
export interface GatewayUser {
  email: string;
  password: string;
  /** Base32 TOTP secret; undefined for a user with no factor. */
  totpSecret?: string;
}

export const userNamed = (name: string, totp = true): GatewayUser => ({
  email: `${name}@example.com`,
  password: `${name}-Password-1`,
  totpSecret: totp ? new Secret({ size: 20 }).base32 : undefined,
});

/**
 * Every BFF answer a test client received, to prove at the end that none carried a token
 * (docs/security.md#invariants).
 */
export class RecordingClient extends CookieClient {
  constructor(
    private readonly recorded: ClientResponse[],
    private readonly bffOrigins: () => string[],
  ) {
    super({ 'x-csrf': '1' });
  }

  override async request(url: string | URL, options: RequestOptions = {}): Promise<ClientResponse> {
    const response = await super.request(url, options);
    if (this.bffOrigins().includes(new URL(response.url).origin)) this.recorded.push(response);
    return response;
  }

  /** A same-origin script call to the proxy, with the headers a browser's fetch sends. */
  api(bffUrl: string, method: string, path: string, json?: unknown, headers: Record<string, string> = {}) {
    const write: Record<string, string> =
      method !== 'GET' ? { origin: bffUrl, 'sec-fetch-site': 'same-origin' } : {};
    return this.request(`${bffUrl}/api/me/v1${path}`, { method, json, headers: { ...write, ...headers } });
  }
}

export interface GatewayStackOptions {
  users?: GatewayUser[];
  /** Last word on the BFF's configuration. */
  configure?: (config: ConfigInput) => void;
  /** Also start a second BFF instance on the same Redis, tenant and hop. */
  secondInstance?: boolean;
  /** Last word on the tenant's configuration (after the users were added). */
  configureTenant?: (config: TenantConfig) => void;
  /** Point the BFF straight at the tenant's My Account API (`{issuer}me/v1`), not at the hop (DPoP `htu`). */
  direct?: boolean;
  /**
   * Put the hop at the tenant's own origin (the issuer's port), the tenant listening behind it: the BFF
   * calls `{issuer}me/v1` as in production (so DPoP `htu` and the token's audience match) and the hop still
   * sees every My Account call. `hop.seen` then holds only those calls, not the sign-in traffic.
   */
  hopInFront?: boolean;
  /** Put a cuttable TCP hop between the BFF and Redis (`stack.redisHop`); the tenant uses Redis directly. */
  cuttableRedis?: boolean;
  /** The BFF's logger (default: silent, as config/test.yaml says). */
  logger?: TestBffOptions['logger'];
  /** Feature modules added to the BFF (e.g. BearerModule). */
  imports?: TestBffOptions['imports'];
}

/**
 * The real stack for proxy tests: a private Redis, the local tenant, a counting hop in front of its My
 * Account API (`myAccount.baseUrl`), and the BFF in-process whose calls to the tenant's OIDC endpoints go
 * through a token tamper (counts token requests, can cut the token endpoint, records issued tokens).
 */
export class GatewayStack {
  readonly responses: ClientResponse[] = [];
  second: TestBff | undefined;
  /** While set, the BFF's token-endpoint calls get this answer instead of the tenant's (e.g. `invalid_grant`). */
  tokenAnswer: (() => Response) | undefined;
  /** The BFF's way to Redis, when started with `cuttableRedis`. */
  redisHop: TcpHop | undefined;
  /** While true, every BFF call to the tenant's OIDC endpoints fails as if it were down (My Account stays up). */
  idpDown = false;

  private constructor(
    readonly redis: TestRedis,
    readonly tenant: TestTenant,
    readonly hop: UpstreamHop,
    readonly tamper: TokenTamper,
    readonly bff: TestBff,
  ) {}

  static async start(options: GatewayStackOptions = {}): Promise<GatewayStack> {
    const redis = await startTestRedis();
    const port = await freePort();
    const front = options.hopInFront ? { port: await freePort(), behind: await freePort() } : undefined;
    const tenant = await startTestTenant({
      redisUrl: redis.url,
      bffOrigin: `http://localhost:${port}`,
      port: front?.port,
      configure: (config) => {
        addUsers(config, options.users ?? []);
        if (front) config.tenant = { ...config.tenant, port: front.behind };
        options.configureTenant?.(config);
      },
    });
    const hop = front
      ? await new UpstreamHop(`http://127.0.0.1:${front.behind}`, { port: front.port, inFront: true }).start()
      : await new UpstreamHop(tenant.url).start();
    const tamper = await createTokenTamper();
    const redisHop = options.cuttableRedis ? await new TcpHop(redis.port).start() : undefined;
    const configure = (config: ConfigInput) => {
      if (!options.direct && !front) config.myAccount = { ...config.myAccount, baseUrl: hop.baseUrl };
      options.configure?.(config);
    };
    const built: { stack?: GatewayStack } = {};
    const oidcFetch: typeof tamper.fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (built.stack?.idpDown)
        return Promise.reject(new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED') }));
      const answer = built.stack?.tokenAnswer;
      return answer && /\/oauth\/token$/.test(url) ? Promise.resolve(answer()) : tamper.fetch(input, init);
    };
    const start = (p?: number) =>
      startTestBff({
        port: p,
        issuer: tenant.issuer,
        redisUrl: redisHop?.redisUrl ?? redis.url,
        oidcFetch,
        configure,
        imports: options.imports,
        logger: options.logger,
      });
    const stack = new GatewayStack(redis, tenant, hop, tamper, await start(port));
    built.stack = stack;
    stack.redisHop = redisHop;
    if (options.secondInstance) stack.second = await start();
    return stack;
  }

  get url(): string {
    return this.bff.url;
  }

  client(): RecordingClient {
    return new RecordingClient(this.responses, () =>
      [this.bff.url, this.second?.url].filter((u): u is string => u !== undefined),
    );
  }

  /** Signs `user` in through the BFF (with MFA when `mfa`); returns the cookie-keeping client. */
  async signIn(user: GatewayUser, options: { mfa?: boolean; query?: string; client?: RecordingClient } = {}) {
    const client = options.client ?? this.client();
    const params = new URLSearchParams(options.query ?? '');
    if (options.mfa) params.set('acr_values', MFA_ACR);
    const query = params.size ? `?${params}` : '';
    const otp = user.totpSecret ? () => totpNow(user.totpSecret as string) : undefined;
    const done = await loginThroughBff(client, this.url, query, {
      username: user.email,
      password: user.password,
      otp,
    });
    if (done.status !== 302) throw new Error(`login answered ${done.status}: ${done.body.slice(0, 200)}`);
    return client;
  }

  /** The session id behind a client's cookie (express-session's `s:<sid>.<signature>`). */
  sessionId(client: CookieClient): string {
    return decodeURIComponent(client.cookies(this.url)['__Host-bff']).slice(2).split('.')[0];
  }

  /** Makes the session's stored access token look expired (everything else kept): the next call refreshes. */
  async expireAccessToken(client: CookieClient): Promise<TokenSet> {
    const sessions = this.bff.app.get(SessionService);
    const sid = this.sessionId(client);
    const current = await sessions.readTokens(sid);
    if (!current) throw new Error('no token record');
    const expired = { ...current.tokens, expiresAt: Math.floor(Date.now() / 1000) - 1 };
    await sessions.writeTokens(sid, expired, current.version);
    return current.tokens;
  }

  /** The latest code the tenant "sent" to `to` (dev outbox). */
  async outboxCode(to: string): Promise<string> {
    const res = await fetch(`${this.tenant.url}/__dev/outbox?to=${encodeURIComponent(to)}`);
    const messages = (await res.json()) as Array<{ code: string }>;
    if (!messages[0]) throw new Error(`nothing sent to ${to}`);
    return messages[0].code;
  }

  async close(): Promise<void> {
    await this.second?.close();
    await this.bff?.close();
    await this.hop?.close();
    await this.redisHop?.cut();
    await this.tenant?.close();
    await this.redis?.close();
  }
}

function addUsers(config: TenantConfig, users: GatewayUser[]): void {
  for (const user of users) {
    config.users.push({
      email: user.email,
      password: user.password,
      mfa: 'on-request',
      permissions: [],
      methods: user.totpSecret ? [{ type: 'totp', secret: user.totpSecret, name: 'Authenticator app' }] : [],
    });
  }
}

/** Every JWT-looking string (`eyJ...` header) in a text. */
export const JWT_LIKE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./;

/** Fails when a recorded BFF answer (body or header) contains an issued token or anything JWT-like. */
export function expectNoTokenIn(responses: ClientResponse[], issued: string[]): void {
  const leaks: string[] = [];
  for (const response of responses) {
    const headers = [...response.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
    const text = `${headers}\n${response.body}`;
    if (JWT_LIKE.test(text) || issued.some((token) => text.includes(token))) leaks.push(response.url);
  }
  expect(leaks).toEqual([]);
  expect(responses.length).toBeGreaterThan(0);
  expect(issued.length).toBeGreaterThan(0);
}
