import { jest } from '@jest/globals';
import { expectNoTokenIn, GatewayStack, userNamed } from './support/gateway-stack.js';

jest.setTimeout(60_000);

/**
 * The BFF's Redis unreachable on the proxy path (docs/architecture.md#the-redis-keyspace, SES-16): fail
 * closed, lose nothing.
 */
describe('Proxy with the session store unreachable', () => {
  const user = userNamed('store-outage');
  let stack: GatewayStack;

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user], cuttableRedis: true });
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  it('answers 503 session_store_unavailable (never anonymous, never upstream), then works with the same cookie', async () => {
    const client = await stack.signIn(user);
    expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(200);
    const cookie = client.cookies(stack.url)['__Host-bff'];

    await stack.redisHop!.cut();
    const before = stack.hop.seen.length;
    for (const [method, path] of [
      ['GET', '/factors'],
      ['DELETE', '/authentication-methods/totp%7Cx'],
    ]) {
      const res = await client.api(stack.url, method, path);
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.json()).toMatchObject({ code: 'session_store_unavailable' });
    }
    expect(stack.hop.seen.length).toBe(before);

    await stack.redisHop!.restore();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await client.api(stack.url, 'GET', '/factors')).status;
      expect([200, 503]).toContain(status);
    }
    expect(status).toBe(200);
    expect(client.cookies(stack.url)['__Host-bff']).toBe(cookie);
  });
});
