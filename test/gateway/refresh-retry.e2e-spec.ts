import { jest } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { ProxyHotPath } from '../../src/my-account/proxy-hot-path.js';
import { SessionService } from '../../src/session/session.service.js';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';
import type { HopRequest } from './support/upstream-hop.js';

jest.setTimeout(120_000);

/**
 * Refresh-and-retry: the My Account API refuses an access token the BFF believed valid (`401` with
 * `error="invalid_token"`, e.g. revoked). The BFF refreshes the session's tokens once (single flight
 * in-process, the session's lock across instances) and retries each request once; a second refusal is
 * `401 login_required` with the session kept. Counted at the network seams: token-endpoint calls at the
 * BFF's OIDC fetch, upstream calls at the hop.
 */
describe('Proxy: refresh and retry after an upstream invalid_token', () => {
  const user = userNamed('refresh-retry');
  let stack: GatewayStack;

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user], secondInstance: true });
  });
  afterEach(() => {
    stack.hop.override = undefined;
    stack.tokenAnswer = undefined;
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  /** The hop refuses these access tokens as the API does a revoked one. */
  function refuse(tokens: (authorization: string | undefined) => boolean): void {
    stack.hop.override = (seen: HopRequest, res: ServerResponse) => {
      if (!tokens(seen.headers.authorization)) return false;
      res.writeHead(401, {
        'content-type': 'application/json',
        'www-authenticate': 'Bearer error="invalid_token", error_description="The token was revoked"',
      });
      res.end(JSON.stringify({ error: 'invalid_token' }));
      return true;
    };
  }

  async function currentToken(client: RecordingClient): Promise<string> {
    const tokens = await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client));
    return tokens!.tokens.accessToken;
  }

  it('one request: one refresh, one retry with the new token, 200 (served by the hot path)', async () => {
    const client = await stack.signIn(user);
    const old = await currentToken(client);
    refuse((authorization) => authorization === `Bearer ${old}`);
    const tokenCalls = stack.tamper.tokenRequests;
    const upstream = stack.hop.seen.length;
    const served = stack.bff.app.get(ProxyHotPath).served;

    const res = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(res.status).toBe(200);
    expect(stack.tamper.tokenRequests - tokenCalls).toBe(1);
    const fresh = await currentToken(client);
    expect(fresh).not.toBe(old);
    expect(stack.hop.seen.slice(upstream).map((r) => r.headers.authorization)).toEqual([
      `Bearer ${old}`,
      `Bearer ${fresh}`,
    ]);
    expect(stack.bff.app.get(ProxyHotPath).served).toBe(served + 1);
  });

  it('50 concurrent requests over two instances: exactly one refresh, each request retried at most once', async () => {
    const client = await stack.signIn(user);
    const cookie = client.cookies(stack.url)['__Host-bff'];
    client.setCookie(stack.second!.url, '__Host-bff', cookie);
    const old = await currentToken(client);
    refuse((authorization) => authorization === `Bearer ${old}`);
    const tokenCalls = stack.tamper.tokenRequests;
    const upstream = stack.hop.seen.length;

    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.api(i % 2 ? stack.second!.url : stack.url, 'GET', '/authentication-methods'),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(stack.tamper.tokenRequests - tokenCalls).toBe(1);
    const fresh = await currentToken(client);
    const sent = stack.hop.seen.slice(upstream).map((r) => r.headers.authorization);
    // Every request ends with one call carrying the new token; those that read the old one first were
    // refused once (requests read after the refresh went straight to the new token).
    const refused = sent.filter((a) => a === `Bearer ${old}`).length;
    expect(refused).toBeGreaterThanOrEqual(1);
    expect(sent.filter((a) => a === `Bearer ${fresh}`)).toHaveLength(50);
    expect(sent).toHaveLength(50 + refused);
  });

  it('refused again after the refresh: 401 login_required, the session kept', async () => {
    const client = await stack.signIn(user);
    refuse((authorization) => authorization !== undefined);
    const tokenCalls = stack.tamper.tokenRequests;
    const upstream = stack.hop.seen.length;

    const res = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'login_required', login_url: '/auth/login' });
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(stack.tamper.tokenRequests - tokenCalls).toBe(1);
    expect(stack.hop.seen.length - upstream).toBe(2);

    stack.hop.override = undefined;
    expect((await client.api(stack.url, 'GET', '/authentication-methods')).status).toBe(200);
  });

  it('the refresh refused (invalid_grant): 401 login_required, the session ended and its cookie cleared', async () => {
    const client = await stack.signIn(user);
    const sid = stack.sessionId(client);
    const old = await currentToken(client);
    refuse((authorization) => authorization === `Bearer ${old}`);
    stack.tokenAnswer = () =>
      new Response(JSON.stringify({ error: 'invalid_grant' }), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    const upstream = stack.hop.seen.length;

    const res = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'login_required' });
    expect(res.headers.getSetCookie().join()).toMatch(/^__Host-bff=;.*Expires=Thu, 01 Jan 1970/);
    expect(stack.hop.seen.length - upstream).toBe(1);
    expect(await stack.bff.app.get(SessionService).peek(sid)).toBeUndefined();
  });

  it('a bearer-token answer without invalid_token is passed through, never retried', async () => {
    const client = await stack.signIn(user);
    stack.hop.override = (_seen, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="me"' });
      res.end('{"error":"unauthorized"}');
      return true;
    };
    const tokenCalls = stack.tamper.tokenRequests;
    const upstream = stack.hop.seen.length;
    const res = await client.api(stack.url, 'GET', '/authentication-methods');
    expect(res.status).toBe(401);
    expect(stack.tamper.tokenRequests).toBe(tokenCalls);
    expect(stack.hop.seen.length - upstream).toBe(1);
  });
});
