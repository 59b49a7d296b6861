import { jest } from '@jest/globals';
import { SessionService } from '../../src/session/session.service.js';
import { expectNoTokenIn, GatewayStack, userNamed, type RecordingClient } from './support/gateway-stack.js';
import { rawRequest, type RawAnswer } from './support/raw-http.js';

jest.setTimeout(60_000);

/**
 * The attack matrix on the proxy (docs/security.md#attack-matrix: C1-C8, C11): each attempt gets its
 * documented 4xx and the upstream (the counting hop in front of the tenant) is never called.
 */
describe('Proxy attack matrix', () => {
  const user = userNamed('attack-target');
  let stack: GatewayStack;
  let client: RecordingClient;
  let cookie: string;
  let methodId: string;
  const enc = encodeURIComponent;

  beforeAll(async () => {
    stack = await GatewayStack.start({ users: [user] });
    client = await stack.signIn(user, { mfa: true });
    cookie = `__Host-bff=${client.cookies(stack.url)['__Host-bff']}`;
    const list = await client.api(stack.url, 'GET', '/authentication-methods');
    methodId = list
      .json<{ authentication_methods: Array<{ id: string; type: string }> }>()
      .authentication_methods.find((m) => m.type === 'totp')!.id;
  });
  afterAll(async () => {
    expectNoTokenIn(stack.responses, stack.tamper.issued);
    await stack?.close();
  });

  /** Sends one raw request and checks that the hop saw nothing meanwhile. */
  async function refused(method: string, path: string, headers: Record<string, string>, body?: string) {
    const before = stack.hop.seen.length;
    const res = await rawRequest(stack.url, method, path, headers, body);
    expect(stack.hop.seen.length).toBe(before);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).not.toMatch(/at \w+ \(|node_modules/); // never a stack trace
    return res;
  }
  const problem = (res: RawAnswer) => JSON.parse(res.body) as { code: string; status: number };
  const good = () => ({ cookie, 'x-csrf': '1', origin: stack.url, 'sec-fetch-site': 'same-origin' });
  const json = { 'content-type': 'application/json' };
  const enroll = '/api/me/v1/authentication-methods';
  const deleteOne = () => `/api/me/v1/authentication-methods/${enc(methodId)}`;

  it.each<[string, string, () => string, () => Record<string, string>, string?]>([
    ['C1: a read without X-CSRF', 'GET', () => '/api/me/v1/factors', () => ({ cookie }), undefined],
    ['C1: a write without X-CSRF', 'DELETE', deleteOne, () => ({ ...good(), 'x-csrf': '' }), undefined],
    [
      'X-CSRF with another value',
      'GET',
      () => '/api/me/v1/factors',
      () => ({ cookie, 'x-csrf': 'true' }),
      undefined,
    ],
    [
      'C3: a foreign Origin',
      'DELETE',
      deleteOne,
      () => ({ ...good(), origin: 'https://evil.example' }),
      undefined,
    ],
    [
      'C3: a look-alike Origin',
      'POST',
      () => enroll,
      () => ({ ...good(), ...json, origin: `${stack.url}.evil.com` }),
      '{}',
    ],
    [
      'C3: Origin null',
      'POST',
      () => enroll,
      () => ({ ...good(), ...json, origin: 'null' }),
      '{"type":"totp"}',
    ],
    [
      'C4: Sec-Fetch-Site cross-site',
      'DELETE',
      deleteOne,
      () => ({ ...good(), 'sec-fetch-site': 'cross-site' }),
      undefined,
    ],
    [
      'a write with neither Origin nor Sec-Fetch-Site',
      'DELETE',
      deleteOne,
      () => ({ cookie, 'x-csrf': '1' }),
      undefined,
    ],
  ])('%s → 403 csrf_failed', async (_name, method, path, headers, body) => {
    const res = await refused(method, path(), headers(), body);
    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(problem(res).code).toBe('csrf_failed');
  });

  it.each([
    ['C2: text/plain', 'text/plain'],
    ['C2: a form post', 'application/x-www-form-urlencoded'],
    ['C2: multipart', 'multipart/form-data; boundary=x'],
  ])('%s body → 415', async (_name, type) => {
    const res = await refused('POST', enroll, { ...good(), 'content-type': type }, '{"type":"totp"}');
    expect(res.status).toBe(415);
    expect(problem(res).code).toBe('unsupported_media_type');
  });

  it('C5: a CORS preflight from another origin gets no Access-Control-Allow-* header', async () => {
    const res = await refused('OPTIONS', deleteOne(), {
      origin: 'https://evil.example',
      'access-control-request-method': 'DELETE',
      'access-control-request-headers': 'x-csrf, content-type',
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  });

  it.each([
    ['/api/me/v1/authentication-methods/../factors', 400],
    ['/api/me/v1/authentication-methods/%2e%2e/factors', 400],
    ['/api/me/v1/authentication-methods/%2E%2E', 400],
    ['/api/me/v1/authentication-methods%2ftotp', 400],
    ['/api/me/v1/authentication-methods/totp%2F1', 400],
    ['/api/me/v1/authentication-methods/totp%257C1', 400],
    ['/api/me/v1/authentication-methods/%252e%252e', 400],
    ['/api/me/v1/authentication-methods/totp%5c..%5cx', 400],
    ['/api/me/v1/authentication-methods/totp%00', 400],
    ['/api/me/../../x', 404],
    ['/api/me/v1/users/me', 404],
    ['/api/me/v1/authentication-methods/x/y/z', 404],
    ['/api/me/v1/', 400],
  ])('C6: %s → %d', async (path, status) => {
    const res = await refused('GET', path, { cookie, 'x-csrf': '1' });
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it.each([
    ['TRACE', '/api/me/v1/factors', 'GET'],
    ['PUT', '/api/me/v1/factors', 'GET'],
    ['POST', '/api/me/v1/factors', 'GET'],
    ['PUT', '/api/me/v1/authentication-methods/totp%7C1', 'GET, DELETE, PATCH'],
  ])('C7: %s %s → 405 with Allow', async (method, path, allow) => {
    const res = await refused(method, path, good());
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(problem(res).code).toBe('method_not_allowed');
  });

  it('C8/C9: the browser’s Authorization, DPoP, Cookie and forwarding headers never reach the upstream', async () => {
    const before = stack.hop.seen.length;
    const res = await rawRequest(stack.url, 'GET', '/api/me/v1/factors', {
      cookie: `${cookie}; other=1`,
      'x-csrf': '1',
      authorization: 'Bearer attacker',
      dpop: 'eyJhbGciOiJub25lIn0.e30.',
      'x-forwarded-host': 'evil.example',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '10.0.0.1',
      forwarded: 'for=10.0.0.1;host=evil.example',
      'x-request-id': 'trace-123',
      'accept-language': 'fr',
      'x-custom': 'nope',
    });
    expect(res.status).toBe(200);
    const seen = stack.hop.seen.slice(before);
    expect(seen).toHaveLength(1);
    const { tokens } = (await stack.bff.app.get(SessionService).readTokens(stack.sessionId(client)))!;
    expect(seen[0].headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    for (const name of [
      'cookie',
      'dpop',
      'x-forwarded-host',
      'x-forwarded-proto',
      'x-forwarded-for',
      'forwarded',
      'x-custom',
      'x-csrf',
    ])
      expect(seen[0].headers).not.toHaveProperty(name);
    expect(seen[0].headers).toMatchObject({ 'x-request-id': 'trace-123', 'accept-language': 'fr' });
    expect(res.headers['x-request-id']).toBe('trace-123');
  });

  it('without a request id from the browser, the upstream gets the one the BFF answers with', async () => {
    const before = stack.hop.seen.length;
    const res = await rawRequest(stack.url, 'GET', '/api/me/v1/factors', {
      cookie,
      'x-csrf': '1',
      'x-request-id': '<bad id>',
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(stack.hop.seen.slice(before).map((r) => r.headers['x-request-id'])).toEqual([
      res.headers['x-request-id'],
    ]);
  });

  it('C11: an upstream Set-Cookie (and other unlisted headers) never reach the browser', async () => {
    stack.hop.override = (_req, res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'set-cookie': ['upstream=1; Path=/', '__Host-bff=planted; Path=/; Secure'],
        'x-ratelimit-remaining': '9',
        'x-internal-trace': 'secret',
        'dpop-nonce': 'n-1',
        'access-control-allow-origin': '*',
      });
      res.end('{ "factors" : [ ] ,"z":1, "a":2 }');
      return true;
    };
    try {
      const res = await client.api(stack.url, 'GET', '/factors');
      expect(res.status).toBe(200);
      expect(res.body).toBe('{ "factors" : [ ] ,"z":1, "a":2 }'); // the bytes as sent, never re-serialised
      expect(res.headers.getSetCookie()).toEqual([]);
      expect(res.headers.get('x-ratelimit-remaining')).toBe('9');
      for (const name of ['x-internal-trace', 'dpop-nonce', 'access-control-allow-origin'])
        expect(res.headers.get(name)).toBeNull();
    } finally {
      stack.hop.override = undefined;
    }
  });

  it('forwards the request body bytes as received (no JSON re-serialisation)', async () => {
    const body = '{ "type" :"recovery-code" , "z": 1e0 }';
    stack.hop.override = (_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_body"}');
      return true;
    };
    try {
      const before = stack.hop.seen.length;
      const res = await rawRequest(stack.url, 'POST', enroll, { ...good(), ...json }, body);
      expect(res.status).toBe(400);
      expect(stack.hop.seen.slice(before).map((r) => r.body.toString('utf8'))).toEqual([body]);
    } finally {
      stack.hop.override = undefined;
    }
  });

  it('a body over the limit is 413, malformed JSON 400, a body on a DELETE 400', async () => {
    const huge = await refused(
      'POST',
      enroll,
      { ...good(), ...json },
      `{"type":"${'x'.repeat(200_000)}"}`,
    ).catch((e) => {
      console.error('DEBUG', e);
      throw e;
    });
    expect(huge.status).toBe(413);
    expect(problem(huge).code).toBe('payload_too_large');
    const chunked = { ...good(), ...json, 'transfer-encoding': 'chunked' };
    const streamed = await refused('POST', enroll, chunked, `{"type":"${'x'.repeat(200_000)}"}`);
    expect(streamed.status).toBe(413);
    for (const body of ['{"type":', '\u00ff\u00fe', '{"type":"totp"} trailing']) {
      const bad = await refused('POST', enroll, { ...good(), ...json }, body);
      expect(bad.status).toBe(400);
      expect(problem(bad).code).toBe('invalid_request');
    }
    const withBody = await refused('DELETE', deleteOne(), { ...good(), ...json }, '{}');
    expect(withBody.status).toBe(400);
  });

  it('no session: 401 login_required, with or without a stale cookie', async () => {
    for (const headers of [{ 'x-csrf': '1' }, { 'x-csrf': '1', cookie: '__Host-bff=s%3Anope.sig' }] as Array<
      Record<string, string>
    >) {
      const res = await refused('GET', '/api/me/v1/factors', headers);
      expect(res.status).toBe(401);
      expect(problem(res).code).toBe('login_required');
    }
  });

  it('the session still works after all of that', async () => {
    expect((await client.api(stack.url, 'GET', '/factors')).status).toBe(200);
  });
});
