import { jest } from '@jest/globals';
import { decodeJwt, decodeProtectedHeader, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import type { ConfigInput } from '../../src/config/config.schema.js';
import type { SessionInfo } from '../../src/public-api.types.js';
import type { TenantConfig } from '../../tenant/config/tenant-config.schema.js';
import { loginThroughBff, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { DEMO } from '../support/seed-users.js';

jest.setTimeout(60_000);

const CLIENT_ID = 'myaccount-bff';
const SECRET = 'dev-bff-secret';
const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** What the BFF sent to the token endpoint: how it authenticated, never kept beyond the test. */
interface TokenCall {
  authorization: string | null;
  params: URLSearchParams;
}

/** A tenant whose `myaccount-bff` client is configured by `client`, and a BFF configured by `bff`. */
class Pair {
  private constructor(
    readonly redis: TestRedis,
    readonly tenant: TestTenant,
    readonly bff: TestBff,
    /** Every token request the BFF sent, in order. */
    readonly tokenCalls: TokenCall[],
  ) {}

  static async start(
    client: (c: TenantConfig['clients'][number]) => void,
    bff: (c: ConfigInput) => void,
  ): Promise<Pair> {
    const redis = await startTestRedis();
    const port = await freePort();
    const tenant = await startTestTenant({
      redisUrl: redis.url,
      bffOrigin: `http://localhost:${port}`,
      configure: (config) => client(config.clients.find((c) => c.client_id === CLIENT_ID)!),
    });
    const calls: TokenCall[] = [];
    // The network seam: record the token request as sent, then let it reach the real tenant.
    const oidcFetch: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (/\/oauth\/token$/.test(url))
        calls.push({
          authorization: new Headers(init?.headers).get('authorization'),
          params: new URLSearchParams(String(init?.body ?? '')),
        });
      return fetch(input, init);
    };
    const started = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      oidcFetch,
      configure: bff,
    });
    return new Pair(redis, tenant, started, calls);
  }

  /** A whole login through the BFF; answers the callback's response and the session probe. */
  async login() {
    const client = new CookieClient();
    const callback = await loginThroughBff(client, this.bff.url);
    const session = await client.get(`${this.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
    return { callback, session };
  }

  async close(): Promise<void> {
    await this.bff?.close();
    await this.tenant?.close();
    await this.redis?.close();
  }
}

/** A signed-in session after a login: the callback redirected with a session cookie. */
async function expectSignedIn(pair: Pair) {
  const { callback, session } = await pair.login();
  expect(callback.status).toBe(302);
  expect(callback.headers.getSetCookie().some((c) => c.startsWith('__Host-bff='))).toBe(true);
  expect(session.status).toBe(200);
  expect(session.json<SessionInfo>().user.email).toBe(DEMO.email);
  expect(pair.tokenCalls).toHaveLength(1);
  return pair.tokenCalls[0];
}

/** The callback's error page (400, HTML, a link to start again), no session cookie, /api/session 401. */
async function expectRefused(pair: Pair) {
  const { callback, session } = await pair.login();
  expect(callback.status).toBe(400);
  expect(callback.headers.get('content-type')).toMatch(/^text\/html/);
  expect(callback.body).toContain('href="/auth/login"');
  expect(callback.body).not.toContain(SECRET);
  expect(callback.headers.getSetCookie().some((c) => c.startsWith('__Host-bff='))).toBe(false);
  expect(session.status).toBe(401);
  expect(pair.tokenCalls).toHaveLength(1); // the tenant was asked, and refused the client
}

/** An ES256 key pair: the public JWK for the tenant's client `jwks`, the private key as PKCS#8 PEM. */
async function es256Key(kid: string) {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
    pem: await exportPKCS8(privateKey),
  };
}

/**
 * jest runs each test file in its own vm context but hands it the outer realm's `structuredClone`, whose
 * copies are objects of that other realm; oidc-provider's `isPlainObject` (`constructor === Object`) then
 * refuses a client's `jwks` ("client JSON Web Key Set is invalid") and the claims of a client assertion.
 * Outside jest there is one realm and nothing to mend. While these tests run, plain objects and arrays are
 * copied in this realm; everything else still goes through the native clone.
 */
function cloneInThisRealm(native: typeof structuredClone): typeof structuredClone {
  const isPlain = (v: object) => {
    const proto = Object.getPrototypeOf(v) as object | null;
    return proto === null || (Object.getPrototypeOf(proto) === null && String(v) === '[object Object]');
  };
  const clone = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map(clone);
    if (!isPlain(value)) return native(value);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clone(v)]));
  };
  return (value: unknown) => clone(value);
}

/**
 * Client authentication at the token endpoint (RFC 6749 §2.3.1, OIDC Core §9; RFC 7523 for
 * private_key_jwt), end to end against the local tenant: each method signs a user in when the tenant's
 * client is registered for it, and a wrong credential ends at the callback's error page with no session.
 */
describe('client authentication at the token endpoint', () => {
  let pair: Pair | undefined;
  const native = globalThis.structuredClone;
  beforeAll(() => void (globalThis.structuredClone = cloneInThisRealm(native)));
  afterAll(() => void (globalThis.structuredClone = native));
  afterEach(async () => {
    await pair?.close();
    pair = undefined;
  });

  describe('client_secret_basic', () => {
    const tenantClient = (c: TenantConfig['clients'][number]) =>
      void (c.token_endpoint_auth_method = 'client_secret_basic');

    it('signs in, the secret in the Authorization header only', async () => {
      pair = await Pair.start(
        tenantClient,
        (c) => void (c.oidc.tokenEndpointAuthMethod = 'client_secret_basic'),
      );
      const call = await expectSignedIn(pair);
      // RFC 6749 §2.3.1: id and secret form-urlencoded, then base64.
      const [scheme, encoded] = (call.authorization ?? '').split(' ');
      expect(scheme).toBe('Basic');
      const [id, secret] = Buffer.from(encoded, 'base64').toString().split(':').map(decodeURIComponent);
      expect([id, secret]).toEqual([CLIENT_ID, SECRET]);
      expect(call.params.has('client_secret')).toBe(false);
    });

    it('a wrong secret: the error page, no session', async () => {
      pair = await Pair.start(tenantClient, (c) => {
        c.oidc.tokenEndpointAuthMethod = 'client_secret_basic';
        c.oidc.clientSecret = 'not-the-secret';
      });
      await expectRefused(pair);
    });
  });

  describe('client_secret_post', () => {
    const tenantClient = (c: TenantConfig['clients'][number]) =>
      void (c.token_endpoint_auth_method = 'client_secret_post');

    it('signs in, the secret in the form body only', async () => {
      pair = await Pair.start(
        tenantClient,
        (c) => void (c.oidc.tokenEndpointAuthMethod = 'client_secret_post'),
      );
      const call = await expectSignedIn(pair);
      expect(call.authorization).toBeNull();
      expect(call.params.get('client_id')).toBe(CLIENT_ID);
      expect(call.params.get('client_secret')).toBe(SECRET);
    });

    it('a wrong secret: the error page, no session', async () => {
      pair = await Pair.start(tenantClient, (c) => {
        c.oidc.tokenEndpointAuthMethod = 'client_secret_post';
        c.oidc.clientSecret = 'not-the-secret';
      });
      await expectRefused(pair);
    });
  });

  describe('private_key_jwt', () => {
    const registered = (jwk: Record<string, unknown>) => (c: TenantConfig['clients'][number]) => {
      c.token_endpoint_auth_method = 'private_key_jwt';
      delete c.client_secret;
      c.jwks = { keys: [jwk] };
    };
    const bffWith = (key: string, kid: string, alg: 'ES256' | 'RS256') => (c: ConfigInput) => {
      c.oidc.tokenEndpointAuthMethod = 'private_key_jwt';
      c.oidc.clientSecret = null;
      c.oidc.privateKeyJwt = { key, kid, alg };
    };

    it('signs in with an ES256 key (PKCS#8 PEM): a signed assertion, no secret', async () => {
      const key = await es256Key('bff-es256');
      pair = await Pair.start(registered(key.publicJwk), bffWith(key.pem, 'bff-es256', 'ES256'));
      const call = await expectSignedIn(pair);
      expect(call.authorization).toBeNull();
      expect(call.params.has('client_secret')).toBe(false);
      expect(call.params.get('client_assertion_type')).toBe(ASSERTION_TYPE);
      const assertion = call.params.get('client_assertion') as string;
      expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'ES256', kid: 'bff-es256' });
      expect(decodeJwt(assertion)).toMatchObject({ iss: CLIENT_ID, sub: CLIENT_ID, jti: expect.any(String) });
    });

    it('signs in with an RS256 key given as a private JWK', async () => {
      const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
      const publicJwk = { ...(await exportJWK(publicKey)), kid: 'bff-rs256', alg: 'RS256', use: 'sig' };
      const privateJwk = JSON.stringify({ ...(await exportJWK(privateKey)), kid: 'bff-rs256' });
      pair = await Pair.start(registered(publicJwk), bffWith(privateJwk, 'bff-rs256', 'RS256'));
      const call = await expectSignedIn(pair);
      expect(decodeProtectedHeader(call.params.get('client_assertion') as string).alg).toBe('RS256');
    });

    it('a wrong key (same kid, not the registered one): the error page, no session', async () => {
      const [registeredKey, other] = [await es256Key('bff-key'), await es256Key('bff-key')];
      pair = await Pair.start(registered(registeredKey.publicJwk), bffWith(other.pem, 'bff-key', 'ES256'));
      await expectRefused(pair);
    });
  });

  it('the BFF refuses to boot with private_key_jwt and no key, naming the setting', async () => {
    const redis = await startTestRedis();
    try {
      const booting = startTestBff({
        issuer: 'http://localhost:1/',
        redisUrl: redis.url,
        configure: (c) => {
          c.oidc.tokenEndpointAuthMethod = 'private_key_jwt';
          c.oidc.privateKeyJwt = { key: null, kid: null, alg: 'ES256' };
        },
      });
      await expect(booting).rejects.toThrow(
        /oidc\.privateKeyJwt\.key \(OIDC_PRIVATE_KEY\): is required with tokenEndpointAuthMethod private_key_jwt/,
      );
    } finally {
      await redis.close();
    }
  });
});
