import { createHash, randomUUID } from 'node:crypto';
import {
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import type { Redis } from 'ioredis';
import { AccountStore } from '../../../tenant/accounts/account-store.js';
import type { Account } from '../../../tenant/accounts/account.types.js';
import { hashSecret } from '../../../tenant/accounts/secret-hash.js';
import {
  tenantConfigSchema,
  MY_ACCOUNT_SCOPES,
  type TenantConfig,
} from '../../../tenant/config/tenant-config.schema.js';
import { Outbox } from '../../../tenant/dev/outbox.js';
import { loadSigningKeys, type TenantKeys } from '../../../tenant/keys.js';
import { buildMounts } from '../../../tenant/mounts.js';
import type { TenantContext } from '../../../tenant/tenant-context.js';
import { freePort, startTestRedis, type TestRedis } from '../../support/redis.js';
import { contractProblems } from './oas-contract.js';

/**
 * The tenant's mounts (My Account API, connect page, dev endpoints) on a plain HTTP server with a real
 * Redis, and a resource-server-side token minter (the network seam: the authorization server's tokens are
 * RS256 JWTs signed with the tenant keys). Every response of `call()` is checked against the OAS.
 */

export const ALL_SCOPES = MY_ACCOUNT_SCOPES.join(' ');
export const CLIENT_ID = 'myaccount-bff';
export const REDIRECT_URI = 'http://localhost:3000/auth/connect/callback';

export type HostName = 'localhost' | '127.0.0.1';

export interface CallOptions {
  token?: string;
  scheme?: 'Bearer' | 'DPoP';
  dpop?: string;
  body?: unknown;
  rawBody?: string | Buffer;
  contentType?: string;
  host?: HostName;
  headers?: Record<string, string>;
  /** The OAS operation this call targets: its response is checked against the contract. */
  operationId?: string;
}

export interface CallResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  text: string;
}

export interface Harness {
  port: number;
  redis: Redis;
  testRedis: TestRedis;
  ctx: TenantContext;
  config: TenantConfig;
  issuer(host?: HostName): string;
  createUser(email: string, password?: string): Promise<Account>;
  mintToken(claims: {
    sub: string;
    scope?: string;
    host?: HostName;
    jkt?: string;
    expiresIn?: number;
    audience?: string;
    extra?: Record<string, unknown>;
  }): Promise<string>;
  call(method: string, path: string, options?: CallOptions): Promise<CallResult>;
  /** Every contract problem seen by `call()` so far. */
  readonly contractViolations: string[];
  /** Every (operation, status) pair `call()` checked against the contract. */
  readonly checked: Array<{ operationId: string; status: number }>;
  /** Stops the HTTP server and its Redis client, then boots the tenant parts again on the same port and Redis. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  dpop?: 'allowed' | 'required';
  devEndpoints?: boolean;
  /** Serves what no mount serves (e.g. a blank page for a browser test); 404 when absent or false. */
  fallback?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Overrides of `my_account_api` settings (e.g. `rate_limit`, `dpop_nonce`). */
  tuning?: Record<string, unknown>;
}

/** Builds the tenant context from the configuration and serves the mounts, as the tenant process does at boot. */
async function boot(
  config: TenantConfig,
  testRedis: TestRedis,
  issuers: string[],
  fallback?: HarnessOptions['fallback'],
) {
  const redis = testRedis.client();
  const prefix = config.redis.prefix;
  const keys: TenantKeys = await loadSigningKeys(redis, prefix);
  const ctx: TenantContext = {
    config,
    redis,
    prefix,
    accounts: new AccountStore(redis, prefix),
    outbox: new Outbox(redis, prefix),
    keys,
    issuers,
    myAccountAudience: (issuer) => `${issuer}me/`,
  };
  const mounts = buildMounts(ctx, () => issuers[0]);
  const server: Server = createServer((req, res) => {
    const mount = mounts.find((m) => (req.url ?? '').startsWith(m.prefix));
    if (mount) return mount.handler(req, res);
    if (!fallback?.(req, res)) res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(config.tenant.port, '127.0.0.1', resolve));
  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis.disconnect();
  };
  return { ctx, stop };
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const testRedis = await startTestRedis();
  const port = await freePort();
  const issuers = [`http://localhost:${port}/`, `http://127.0.0.1:${port}/`];
  const config = tenantConfigSchema.parse({
    tenant: {
      issuer: issuers[0],
      custom_domains: [issuers[1]],
      port,
      dev_endpoints: options.devEndpoints ?? true,
      cookie_keys: ['test-cookie-key-0123456789'],
    },
    redis: { url: testRedis.url, prefix: 'tenant:' },
    my_account_api: { dpop: options.dpop ?? 'allowed' },
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: 'dev-bff-secret',
        redirect_uris: [REDIRECT_URI],
        web_origins: ['http://localhost:3000'],
      },
    ],
    connections: [
      { name: 'example-oauth2', strategy: 'oauth2', scopes: ['openid', 'profile', 'offline_access'] },
      { name: 'second-oauth2', strategy: 'oauth2', scopes: ['openid'] },
      { name: 'not-connectable', strategy: 'oauth2', connected_accounts: false },
    ],
  });
  Object.assign(config.my_account_api, options.tuning);
  let parts = await boot(config, testRedis, issuers, options.fallback);
  const keys = parts.ctx.keys;
  const signingKey = await importJWK(keys.privateJwks.keys[0], 'RS256');
  const contractViolations: string[] = [];
  const checked: Array<{ operationId: string; status: number }> = [];
  const issuer = (host: HostName = 'localhost') => `http://${host}:${port}/`;

  return {
    port,
    get redis() {
      return parts.ctx.redis;
    },
    testRedis,
    get ctx() {
      return parts.ctx;
    },
    config,
    issuer,
    contractViolations,
    checked,
    async createUser(email, password = 'Initial-passw0rd!') {
      const account: Account = {
        user_id: `auth0|${randomUUID().replace(/-/g, '')}`,
        email,
        email_verified: true,
        name: email.split('@')[0],
        connection: config.tenant.database_connection,
        password: { hash: await hashSecret(password), changed_at: new Date().toISOString(), history: [] },
        mfa: 'on-request',
        permissions: [],
        methods: [],
        connected_accounts: [],
        created_at: new Date().toISOString(),
      };
      await parts.ctx.accounts.create(account);
      return account;
    },
    async mintToken({
      sub,
      scope = ALL_SCOPES,
      host = 'localhost',
      jkt,
      expiresIn = 300,
      audience,
      extra = {},
    }) {
      const iss = issuer(host);
      return new SignJWT({
        scope,
        azp: CLIENT_ID,
        client_id: CLIENT_ID,
        ...(jkt ? { cnf: { jkt } } : {}),
        ...extra,
      })
        .setProtectedHeader({ alg: 'RS256', kid: keys.privateJwks.keys[0].kid, typ: 'at+jwt' })
        .setIssuer(iss)
        .setAudience(audience ?? `${iss}me/`)
        .setSubject(sub)
        .setIssuedAt()
        .setJti(randomUUID())
        .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
        .sign(signingKey);
    },
    async call(method, path, o = {}) {
      const headers: Record<string, string> = { host: `${o.host ?? 'localhost'}:${port}`, ...o.headers };
      if (o.token) headers.authorization = `${o.scheme ?? 'Bearer'} ${o.token}`;
      if (o.dpop) headers.dpop = o.dpop;
      let payload: string | Buffer | undefined = o.rawBody;
      if (o.body !== undefined) payload = JSON.stringify(o.body);
      if (payload !== undefined) {
        headers['content-type'] = o.contentType ?? 'application/json';
        headers['content-length'] = String(Buffer.byteLength(payload));
      }
      const result = await new Promise<CallResult>((resolve, reject) => {
        // A fresh connection per call: a pooled keep-alive socket may be one the server just closed (after a
        // 413 or at its idle timeout), which would fail the call with ECONNRESET for reasons outside the test.
        const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if (String(res.headers['content-type'] ?? '').startsWith('application/json'))
              body = JSON.parse(text);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
          });
        });
        req.on('error', reject);
        req.end(payload);
      });
      if (o.operationId) {
        const body = result.text === '' ? undefined : result.body;
        checked.push({ operationId: o.operationId, status: result.status });
        contractViolations.push(
          ...contractProblems(o.operationId, result.status, result.headers, body).map(
            (p) => `${method} ${path}: ${p}`,
          ),
        );
      }
      return result;
    },
    async restart() {
      await parts.stop();
      parts = await boot(config, testRedis, issuers, options.fallback);
    },
    async close() {
      await parts.stop();
      await testRedis.close();
    },
  };
}

/** A DPoP key pair and a proof builder (RFC 9449 §4.2). */
export async function createDpopKey() {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = await exportJWK(publicKey);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  const proof = (claims: {
    htm: string;
    htu: string;
    accessToken?: string;
    jti?: string;
    iat?: number;
    nonce?: string;
  }) =>
    new SignJWT({
      htm: claims.htm,
      htu: claims.htu,
      jti: claims.jti ?? randomUUID(),
      ...(claims.accessToken
        ? { ath: createHash('sha256').update(claims.accessToken).digest('base64url') }
        : {}),
      ...(claims.nonce ? { nonce: claims.nonce } : {}),
    })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
      .sign(privateKey);
  return { jkt, jwk, proof };
}
