import { jest } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { SessionService } from '../../src/session/session.service.js';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';

jest.setTimeout(60_000);

/**
 * Upstream and IdP faults on the proxy (docs/security.md#attack-matrix: H, D5-D6). "IdP down" cuts every BFF
 * call to the tenant's OIDC endpoints at the BFF's network seam, while the tenant's My Account API (same
 * process) stays reachable through the hop: that is exactly what the proxy must survive with a valid access
 * token, and what a real outage of Auth0's token endpoint looks like from the BFF.
 */
describe('Proxy availability', () => {
  const user = userNamed('availability');
  let stack: GatewayStack;
  let client: RecordingClient;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    stack = await GatewayStack.start({
      users: [user],
      configure: (config) => {
        config.myAccount = {
          ...config.myAccount,
          perRouteTimeouts: { getFactors: 300 },
        };
      },
    });
    client = await stack.signIn(user, { mfa: true });
  });
  afterEach(() => {
    stack.idpDown = false;
    stack.tokenAnswer = undefined;
    stack.hop.override = undefined;
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  const answer =
    (status: number, body: string, headers: Record<string, string> = {}) =>
    (_req: unknown, res: ServerResponse) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body);
      return true;
    };

  it('H6: with the IdP down and a valid access token, reads and writes keep working', async () => {
    stack.idpDown = true;
    const tokenCalls = stack.tamper.tokenRequests;
    expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(200);
    const list = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(list.status).toBe(200);
    const started = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'recovery-code' });
    expect(started.status).toBe(202);
    expect(stack.tamper.tokenRequests).toBe(tokenCalls);
  });

  it('H7: with the IdP down and an expired access token, 503 with Retry-After; the session survives', async () => {
    const old = await stack.expireAccessToken(client);
    stack.idpDown = true;
    const before = stack.hop.seen.length;
    const res = await client.api(stack.url, 'GET', '/factors');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBeTruthy();
    expect(res.json()).toMatchObject({ code: 'idp_unavailable' });
    expect(stack.hop.seen.length).toBe(before);
    stack.idpDown = false;
    const stored = await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client));
    expect(stored?.tokens.refreshToken).toBe(old.refreshToken);
    expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(200);
  });

  it('D5: a refresh the tenant refuses (invalid_grant) ends the session: 401 login_required, cookie cleared', async () => {
    const doomed = await stack.signIn(user);
    await stack.expireAccessToken(doomed);
    stack.tokenAnswer = () => Response.json({ error: 'invalid_grant' }, { status: 400 });
    const cookie = doomed.cookies(stack.url)['__Host-bff'];
    const res = await doomed.api(stack.url, 'GET', '/factors');
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'login_required' });
    const cleared = res.headers.getSetCookie();
    expect(cleared).toHaveLength(1);
    expect(cleared[0]).toMatch(
      /^__Host-bff=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=/,
    );
    expect(doomed.cookies(stack.url)).not.toHaveProperty('__Host-bff');
    stack.tokenAnswer = undefined;
    doomed.setCookie(stack.url, '__Host-bff', cookie); // the old cookie is dead server-side too
    expect((await doomed.get(`${stack.url}/api/session`)).status).toBe(401);
    expect((await doomed.api(stack.url, 'GET', '/factors')).status).toBe(401);
  });

  it('H1: an upstream 5xx is a 502 problem without the upstream body; a POST is not retried', async () => {
    stack.hop.override = answer(500, '{"internal":"stack trace here"}');
    const before = stack.hop.seen.length;
    const res = await client.api(stack.url, 'POST', '/authentication-methods', { type: 'recovery-code' });
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ code: 'upstream_unavailable' });
    expect(res.body).not.toContain('stack trace');
    expect(stack.hop.seen.length).toBe(before + 1);
  });

  it('H2: an upstream that does not answer within the route timeout is a 504', async () => {
    const hanging: ServerResponse[] = [];
    stack.hop.override = (_req, res) => hanging.push(res) > 0;
    const res = await client.api(stack.url, 'GET', '/factors');
    expect(res.status).toBe(504);
    expect(res.json()).toMatchObject({ code: 'upstream_timeout' });
    for (const r of hanging) r.end();
  });

  it('an unreachable My Account API is a 502', async () => {
    stack.hop.override = (_req, res) => {
      res.socket?.destroy();
      return true;
    };
    const res = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(res.status).toBe(502);
    expect(res.json()).toMatchObject({ code: 'upstream_unavailable' });
  });

  it('H4/H5: an upstream 403 and a 429 with Retry-After pass through unchanged', async () => {
    stack.hop.override = answer(403, '{"error":"insufficient_scope"}');
    const forbidden = await client.api(stack.url, 'GET', '/factors');
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toBe('{"error":"insufficient_scope"}');
    stack.hop.override = answer(429, '{"error":"too_many_requests"}', {
      'retry-after': '7',
      'x-ratelimit-limit': '10',
    });
    const limited = await client.api(stack.url, 'DELETE', `/authentication-methods/${enc('totp|x')}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(limited.headers.get('x-ratelimit-limit')).toBe('10');
  });

  it('the tenant’s own rate-limit headers reach the browser', async () => {
    const res = await client.api(stack.url, 'GET', '/factors');
    expect(res.status).toBe(200);
    expect([...res.headers.keys()].some((h) => h.startsWith('x-ratelimit-'))).toBe(true);
  });
});
