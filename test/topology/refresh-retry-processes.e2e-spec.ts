import type { ServerResponse } from 'node:http';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { startProcessStack, type ProcessStack } from '../support/process-stack.js';
import { freePort } from '../support/redis.js';
import { UpstreamHop, type HopRequest } from '../gateway/support/upstream-hop.js';

/**
 * Refresh-and-retry across BFF OS processes: the My Account API refuses the session's access token as
 * `invalid_token` (as it does a revoked one) while 50 requests are in flight on two processes. The session's
 * lock in Redis lets exactly one process refresh; every request is retried once with the new token.
 * Counted at the network seams: refresh tokens the tenant issued (its own store), calls at the hop in front
 * of the tenant's My Account API.
 */
describe('Refresh and retry over two BFF processes', () => {
  let stack: ProcessStack;
  let hop: UpstreamHop;

  beforeAll(async () => {
    const hopPort = await freePort();
    stack = await startProcessStack({
      processes: 2,
      config: { myAccount: { baseUrl: `http://127.0.0.1:${hopPort}/me/v1` } },
    });
    hop = await new UpstreamHop(stack.tenant.url, { port: hopPort }).start();
  }, 90_000);
  afterAll(async () => {
    await hop?.close();
    await stack?.close();
  });

  /** Refresh tokens the tenant has issued so far: one per login, one per refresh (rotation). */
  async function refreshTokensIssued(): Promise<number> {
    const { redis, prefix } = stack.tenant.context;
    return (await redis.keys(`${prefix}*RefreshToken:*`)).length;
  }

  it('50 concurrent reads, a refused token: exactly one refresh at the tenant, each read retried once, all 200', async () => {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.url)).status).toBe(302);
    const cookie = Object.entries(client.cookies(`${stack.url}/api/session`))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ');
    const read = (url: string) =>
      fetch(`${url}/api/me/v1/authentication-methods`, { headers: { cookie, 'x-csrf': '1' } });

    // The token the session holds now, as the hop sees it on a first read.
    expect((await read(stack.processes[0].url)).status).toBe(200);
    const old = hop.calls('/authentication-methods').at(-1)!.headers.authorization!;
    expect(old).toMatch(/^Bearer /);
    hop.override = (seen: HopRequest, res: ServerResponse) => {
      if (seen.headers.authorization !== old) return false;
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': 'Bearer error="invalid_token", error_description="The token was revoked"',
      });
      res.end(JSON.stringify({ error: 'invalid_token' }));
      return true;
    };
    const issued = await refreshTokensIssued();
    const before = hop.calls().length;

    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => read(stack.processes[i % 2].url)));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(await refreshTokensIssued()).toBe(issued + 1);

    const calls = hop.calls().slice(before);
    const refused = calls.filter((c) => c.headers.authorization === old);
    const retried = calls.filter((c) => c.headers.authorization !== old);
    // Each read reached the API once with the refused token at most, then once with the one new token.
    expect(refused.length).toBeLessThanOrEqual(50);
    expect(retried).toHaveLength(50);
    expect(new Set(retried.map((c) => c.headers.authorization)).size).toBe(1);
    expect(refused.length + retried.length).toBe(calls.length);
    expect(stack.balancer.stats.failed).toBe(0);
  }, 60_000);
});
