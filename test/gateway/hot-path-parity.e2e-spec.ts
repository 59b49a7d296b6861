import { jest } from '@jest/globals';
import type { Redis } from 'ioredis';
import { ProxyHotPath } from '../../src/my-account/proxy-hot-path.js';
import { SessionService } from '../../src/session/session.service.js';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';

jest.setTimeout(120_000);

/** What a test compares of one answer: everything but the per-request id and date. */
interface Answer {
  status: number;
  body: string;
  headers: Record<string, string>;
  setCookie: string[];
  upstreamCalls: number;
}

const COMPARED_HEADERS = [
  'content-type',
  'cache-control',
  'pragma',
  'www-authenticate',
  'allow',
  'retry-after',
  'x-content-type-options',
  'referrer-policy',
  'x-frame-options',
  'content-security-policy',
];

/**
 * The proxy's hot path answers (or hands over) exactly as the full path does: each case runs once with the
 * hot path on and once with it off, on fresh sessions of the same user, and the two answers must be equal
 * (status, body, headers, cookies), the upstream never called where the full path would not call it.
 */
describe('Proxy hot path: same answers as the full path', () => {
  const user = userNamed('hot-path-parity');
  let stack: GatewayStack;
  let hotPath: ProxyHotPath;
  let redis: Redis;

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user] });
    hotPath = stack.bff.app.get(ProxyHotPath);
    redis = stack.redis.client();
  });
  afterAll(async () => {
    redis?.disconnect();
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  /** One request with the cookie of `client` and exactly `headers` (nothing a test client adds). */
  async function call(
    client: RecordingClient,
    method: string,
    path: string,
    headers: Record<string, string>,
    cookie = client.cookies(stack.url)['__Host-bff'],
  ): Promise<Answer> {
    const before = stack.hop.seen.length;
    const res = await fetch(`${stack.url}/api/me/v1${path}`, {
      method,
      headers: { ...headers, cookie: `__Host-bff=${cookie}` },
    });
    const body = await res.text();
    const picked = Object.fromEntries(
      COMPARED_HEADERS.filter((name) => res.headers.has(name)).map((name) => [name, res.headers.get(name)!]),
    );
    return {
      status: res.status,
      body,
      headers: picked,
      setCookie: res.headers.getSetCookie(),
      upstreamCalls: stack.hop.seen.length - before,
    };
  }

  /** The case run with the hot path on, then off, each on a new session; both answers, hot first. */
  async function both(
    run: (client: RecordingClient) => Promise<Answer>,
  ): Promise<{ hot: Answer; full: Answer; served: number }> {
    hotPath.enabled = true;
    const before = hotPath.served;
    const hot = await run(await stack.signIn(user));
    const served = hotPath.served - before;
    hotPath.enabled = false;
    try {
      const full = await run(await stack.signIn(user));
      return { hot, full, served };
    } finally {
      hotPath.enabled = true;
    }
  }

  const READ = { 'x-csrf': '1', accept: 'application/json' };

  it('serves a plain read itself, with the same status, body and headers', async () => {
    const { hot, full, served } = await both((client) =>
      call(client, 'GET', '/authentication-methods', READ),
    );
    expect(served).toBe(1);
    expect(hot.status).toBe(200);
    expect(hot).toEqual(full);
    expect(hot.upstreamCalls).toBe(1);
  });

  it('a forged cookie signature: 401 login_required, upstream not called', async () => {
    const { hot, full, served } = await both((client) => {
      const cookie = decodeURIComponent(client.cookies(stack.url)['__Host-bff']);
      const forged = `${cookie.slice(0, cookie.lastIndexOf('.'))}.${'A'.repeat(43)}`;
      return call(client, 'GET', '/authentication-methods', READ, encodeURIComponent(forged));
    });
    expect(served).toBe(0);
    expect(hot).toEqual(full);
    expect(hot).toMatchObject({ status: 401, upstreamCalls: 0 });
    expect(JSON.parse(hot.body)).toMatchObject({ code: 'login_required' });
  });

  it.each([
    ['idle', 'seen'],
    ['absolute', 'created'],
  ])('a session past its %s deadline: 401 login_required, upstream not called', async (_name, field) => {
    const { hot, full, served } = await both(async (client) => {
      const sid = stack.sessionId(client);
      const { idleTimeoutSeconds, absoluteTimeoutSeconds } = stack.bff.config.session;
      const past =
        Date.now() - (field === 'seen' ? idleTimeoutSeconds : absoluteTimeoutSeconds) * 1000 - 1000;
      await redis.hset(`bff:{${sid}}:sess`, field, String(past));
      return call(client, 'GET', '/factors', READ);
    });
    expect(served).toBe(0);
    expect(hot).toEqual(full);
    expect(hot).toMatchObject({ status: 401, upstreamCalls: 0 });
    expect(JSON.parse(hot.body)).toMatchObject({ code: 'login_required' });
  });

  it('a destroyed session (tombstone): 401 login_required, upstream not called', async () => {
    const { hot, full, served } = await both(async (client) => {
      await stack.bff.app.get(SessionService).destroyById(stack.sessionId(client));
      return call(client, 'GET', '/factors', READ);
    });
    expect(served).toBe(0);
    expect(hot).toEqual(full);
    expect(hot).toMatchObject({ status: 401, upstreamCalls: 0 });
  });

  it('a read without X-CSRF: 403 csrf_failed, upstream not called', async () => {
    const { hot, full, served } = await both((client) =>
      call(client, 'GET', '/authentication-methods', { accept: 'application/json' }),
    );
    expect(served).toBe(0);
    expect(hot).toEqual(full);
    expect(hot).toMatchObject({ status: 403, upstreamCalls: 0 });
    expect(JSON.parse(hot.body)).toMatchObject({ code: 'csrf_failed' });
  });

  it('a write without fresh MFA: 401 insufficient_user_authentication, upstream not called', async () => {
    const { hot, full, served } = await both((client) =>
      call(client, 'DELETE', '/authentication-methods/totp%7Cx', {
        'x-csrf': '1',
        origin: stack.url,
        'sec-fetch-site': 'same-origin',
      }),
    );
    expect(served).toBe(0);
    expect(hot).toEqual(full);
    expect(hot).toMatchObject({ status: 401, upstreamCalls: 0 });
    expect(hot.headers['www-authenticate']).toContain('insufficient_user_authentication');
  });

  it.each(['/nope', '/authentication-methods/a/b', '/%2e%2e/x'])(
    'an unknown or hostile path %s: same 4xx, upstream not called',
    async (path) => {
      const { hot, full, served } = await both((client) => call(client, 'GET', path, READ));
      expect(served).toBe(0);
      expect(hot).toEqual(full);
      expect(hot.upstreamCalls).toBe(0);
      expect([400, 404]).toContain(hot.status);
    },
  );

  it('a read whose token is due for refresh is left to the full path, which refreshes once', async () => {
    const client = await stack.signIn(user);
    await stack.expireAccessToken(client);
    const tokenCalls = stack.tamper.tokenRequests;
    const before = hotPath.served;
    const res = await call(client, 'GET', '/factors', READ);
    expect(res.status).toBe(200);
    expect(hotPath.served).toBe(before);
    expect(stack.tamper.tokenRequests).toBe(tokenCalls + 1);
    expect((await call(client, 'GET', '/factors', READ)).status).toBe(200);
    expect(hotPath.served).toBe(before + 1);
  });
});
