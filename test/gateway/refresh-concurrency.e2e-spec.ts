import { jest } from '@jest/globals';
import { SessionService } from '../../src/session/session.service.js';
import { expectNoTokenIn, GatewayStack, userNamed } from './support/gateway-stack.js';

jest.setTimeout(90_000);

/**
 * D1/D2: concurrent proxied requests with an expired access token refresh exactly once per session
 * (single flight in-process, the session's Redis lock across instances), and every request succeeds
 * with the new token. The token-endpoint calls are counted at the BFF's network seam.
 */
describe('Proxy: one refresh for many concurrent requests', () => {
  const user = userNamed('concurrent');
  let stack: GatewayStack;

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user], secondInstance: true });
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  async function runConcurrently(urls: string[]) {
    const client = await stack.signIn(user);
    const cookie = client.cookies(stack.url)['__Host-bff'];
    for (const url of urls) client.setCookie(url, '__Host-bff', cookie);
    const old = await stack.expireAccessToken(client);
    const tokenCalls = stack.tamper.tokenRequests;
    const upstreamBefore = stack.hop.seen.length;
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.api(urls[i % urls.length], 'GET', '/authentication-methods'),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(stack.tamper.tokenRequests - tokenCalls).toBe(1);

    const fresh = (await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client)))!.tokens;
    expect(fresh.accessToken).not.toBe(old.accessToken);
    const sent = stack.hop.seen.slice(upstreamBefore).map((r) => r.headers.authorization);
    expect(sent).toHaveLength(50);
    expect(new Set(sent)).toEqual(new Set([`Bearer ${fresh.accessToken}`]));
  }

  it('D1: 50 concurrent requests on one instance: exactly one token-endpoint call, all succeed', async () => {
    await runConcurrently([stack.url]);
  });

  it('D2: 50 concurrent requests spread over two instances sharing Redis: still exactly one refresh', async () => {
    await runConcurrently([stack.url, stack.second!.url]);
  });
});
