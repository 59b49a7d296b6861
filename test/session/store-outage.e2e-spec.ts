import { createServer, type Server, type Socket, connect } from 'node:net';
import { loginThroughBff, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';

/**
 * A TCP hop between the BFF and Redis that a test can cut and restore (the network seam): Redis keeps
 * its data, the BFF sees an outage.
 */
async function startCuttableProxy(targetPort: number) {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const open = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(targetPort, '127.0.0.1');
        sockets.add(client).add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => resolve());
    });
  const cut = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      if (server) server.close(() => resolve());
      else resolve();
    });
  await open();
  return { url: `redis://127.0.0.1:${port}`, cut, restore: open };
}

describe('Redis unreachable', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;
  let proxy: Awaited<ReturnType<typeof startCuttableProxy>>;
  let tamper: TokenTamper;

  beforeAll(async () => {
    redis = await startTestRedis();
    proxy = await startCuttableProxy(redis.port);
    const port = await freePort();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
    tamper = await createTokenTamper();
    bff = await startTestBff({ port, issuer: tenant.issuer, redisUrl: proxy.url, oidcFetch: tamper.fetch });
  });
  afterAll(async () => {
    await bff?.close();
    await proxy?.cut();
    await tenant?.close();
    await redis?.close();
  });

  it('answers 503 session_store_unavailable with Retry-After, keeps the cookie, and works again when Redis is back', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, bff.url)).status).toBe(302);
    const session = () => client.get(`${bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
    expect((await session()).status).toBe(200);

    await proxy.cut();
    for (let i = 0; i < 3; i++) {
      const res = await session();
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.json()).toMatchObject({ status: 503, code: 'session_store_unavailable' });
      expect(res.body).not.toMatch(/ECONNREFUSED|at .*\.js|stack/i);
    }
    // Logout needs the store too: 503, not a silent success.
    expect((await client.post(`${bff.url}/auth/logout`, { headers: { 'x-csrf': '1' } })).status).toBe(503);
    // Starting a login does not: its transaction lives in an encrypted cookie until the callback.
    const login = await new CookieClient().get(`${bff.url}/auth/login`);
    expect(login.status).toBe(302);
    expect(new URL(login.headers.get('location')!).origin).toBe(new URL(tenant.issuer).origin);
    expect((await fetch(`${bff.url}/readyz`)).status).toBe(503);
    // A back-channel logout cannot be honoured: never a 200 (the tenant may retry).
    const now = Math.floor(Date.now() / 1000);
    const logoutToken = await tamper.sign({
      iss: tenant.issuer,
      aud: 'myaccount-bff',
      iat: now,
      exp: now + 120,
      jti: `j-${now}`,
      sub: 'someone',
      events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
    });
    const bcl = await fetch(`${bff.url}/auth/backchannel-logout`, {
      method: 'POST',
      body: new URLSearchParams({ logout_token: logoutToken }),
    });
    expect(bcl.status).toBe(503);
    expect((await fetch(`${bff.url}/healthz`)).status).toBe(200);

    await proxy.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await session()).status;
      expect([200, 503]).toContain(status);
    }
    expect(status).toBe(200);
    expect((await fetch(`${bff.url}/readyz`)).status).toBe(200);
  });
});
