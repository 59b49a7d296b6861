import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import { DpopKey } from '../../src/my-account/dpop.js';
import { UpstreamTimeout, UpstreamUnavailable } from '../../src/my-account/gateway-error.js';
import { buildForwardedRequestHeaders } from '../../src/my-account/headers.js';
import { matchRoute } from '../../src/my-account/match-route.js';
import { UpstreamClient, type UpstreamCall } from '../../src/my-account/upstream-client.js';
import { freePort } from '../support/redis.js';
import { FakeUpstream, json } from './support/fake-upstream.js';

const AT = 'access-token-123';
const call = (
  method: string,
  path: string,
  extra: Partial<UpstreamCall> = {},
  query?: string,
): UpstreamCall => ({
  match: matchRoute({ method, path, query }),
  headers: { accept: 'application/json' },
  authorization: `Bearer ${AT}`,
  ...extra,
});
const rejection = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
};

describe('UpstreamClient against a fake My Account API', () => {
  let upstream: FakeUpstream;
  let client: UpstreamClient;

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    client = new UpstreamClient({ baseUrl: upstream.baseUrl, maxSockets: 4 });
  });
  afterAll(async () => {
    client.close();
    await upstream.close();
  });

  it('forwards a read: path, declared query, allow-listed headers and the BFF credential only', async () => {
    upstream.reset(json(200, { authentication_methods: [] }, { 'x-ratelimit-remaining': '9' }));
    const headers = buildForwardedRequestHeaders({
      accept: 'application/json',
      'user-agent': 'test-agent',
      cookie: '__Host-bff=secret',
      authorization: 'Bearer from-the-browser',
      dpop: 'browser-proof',
      'x-forwarded-host': 'evil.example',
    });
    const result = await client.forward(
      call('GET', '/authentication-methods', { headers }, 'type=totp&evil=1'),
    );
    expect(result.status).toBe(200);
    expect(JSON.parse(result.body.toString())).toEqual({ authentication_methods: [] });
    expect(result.headers).toEqual({ 'content-type': 'application/json', 'x-ratelimit-remaining': '9' });
    const [seen] = upstream.seen;
    expect(seen.method).toBe('GET');
    expect(seen.url).toBe('/me/v1/authentication-methods?type=totp');
    expect(seen.headers.authorization).toBe(`Bearer ${AT}`);
    expect(seen.headers['user-agent']).toBe('test-agent');
    for (const name of ['cookie', 'dpop', 'x-forwarded-host']) expect(seen.headers).not.toHaveProperty(name);
  });

  it('forwards an id with "|" as %7C, never double-encoded', async () => {
    upstream.reset(json(200, { id: 'totp|dev_1' }));
    await client.forward(call('GET', '/authentication-methods/totp|dev_1'));
    await client.forward(call('GET', '/authentication-methods/totp%7Cdev_1'));
    expect(upstream.seen.map((s) => s.url)).toEqual([
      '/me/v1/authentication-methods/totp%7Cdev_1',
      '/me/v1/authentication-methods/totp%7Cdev_1',
    ]);
  });

  it('passes a JSON body through byte for byte (no re-serialisation)', async () => {
    upstream.reset(
      json(
        202,
        { id: 'totp|dev_2' },
        { location: `${upstream.baseUrl}/authentication-methods/totp%7Cdev_2` },
      ),
    );
    const body = Buffer.from('{ "type" :"totp",\n  "name":"Ünïcødé 🔑" }');
    const result = await client.forward(
      call('POST', '/authentication-methods', { body, headers: { 'content-type': 'application/json' } }),
    );
    expect(upstream.seen[0].body.equals(body)).toBe(true);
    expect(upstream.seen[0].headers['content-length']).toBe(String(body.length));
    expect(result.status).toBe(202);
    expect(result.headers.location).toBe('/api/me/v1/authentication-methods/totp%7Cdev_2');
  });

  it('passes 201 with its Location rewritten to the BFF path', async () => {
    const location = `${upstream.baseUrl}/authentication-methods/passkey%7Cdev_X`;
    upstream.reset(json(201, { id: 'passkey|dev_X', confirmed: true }, { location }));
    const result = await client.forward(
      call('POST', '/authentication-methods/passkey%7Cnew/verify', { body: Buffer.from('{}') }),
    );
    expect(result.status).toBe(201);
    expect(result.headers.location).toBe('/api/me/v1/authentication-methods/passkey%7Cdev_X');
    expect(upstream.seen[0].url).toBe('/me/v1/authentication-methods/passkey%7Cnew/verify');
  });

  it('drops a Location outside the upstream base, and every Set-Cookie', async () => {
    upstream.reset(
      json(201, {}, { location: 'https://evil.example/x', 'set-cookie': ['a=1; HttpOnly', 'b=2'] }),
    );
    const result = await client.forward(
      call('POST', '/connected-accounts/complete', { body: Buffer.from('{}') }),
    );
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('passes 204 with an empty body', async () => {
    upstream.reset((_req, res) => {
      res.writeHead(204, { 'x-ratelimit-limit': '10' });
      res.end();
    });
    const result = await client.forward(call('DELETE', '/authentication-methods/totp%7Cdev_1'));
    expect(result).toMatchObject({ status: 204, headers: { 'x-ratelimit-limit': '10' } });
    expect(result.body.length).toBe(0);
    expect(upstream.seen[0].headers).not.toHaveProperty('content-length');
  });

  it('sends Content-Length 0 on a POST without a body', async () => {
    upstream.reset(json(400, { title: 'Bad Request' }));
    await client.forward(call('POST', '/connected-accounts/connect'));
    expect(upstream.seen[0].headers['content-length']).toBe('0');
  });

  it.each([
    [
      400,
      {
        type: 'https://auth0.com/api-errors/A0E-400-0001',
        title: 'Bad Request',
        status: 400,
        detail: 'bad',
        validation_errors: [{ detail: 'x' }],
      },
      {},
    ],
    [403, { title: 'Forbidden', status: 403, detail: 'scope' }, {}],
    [404, { title: 'Not Found', status: 404, detail: 'no such method' }, {}],
    [409, { title: 'Conflict', status: 409, detail: 'conflict' }, {}],
    [415, { title: 'Unsupported Media Type', status: 415, detail: 'json please' }, {}],
    [
      429,
      { title: 'Too Many Requests', status: 429, detail: 'slow down' },
      { 'retry-after': '7', 'x-ratelimit-reset': '1700000000' },
    ],
  ])('passes %s through unchanged (status, body, allowed headers)', async (status, body, headers) => {
    upstream.reset(json(status, body, headers));
    const result = await client.forward(call('GET', '/factors'));
    expect(result.status).toBe(status);
    expect(JSON.parse(result.body.toString())).toEqual(body);
    expect(result.headers).toEqual({ 'content-type': 'application/json', ...headers });
    expect(upstream.seen).toHaveLength(1);
  });

  it('keeps WWW-Authenticate and DPoP-Nonce out of the browser headers but gives them to the caller', async () => {
    const challenge = 'Bearer realm="x", error="insufficient_user_authentication", max_age=300';
    upstream.reset(
      json(401, { title: 'Unauthorized' }, { 'www-authenticate': challenge, 'dpop-nonce': 'n-9' }),
    );
    const result = await client.forward(call('GET', '/factors'));
    expect(result.status).toBe(401);
    expect(result.wwwAuthenticate).toBe(challenge);
    expect(result.dpopNonce).toBe('n-9');
    expect(result.headers).toEqual({ 'content-type': 'application/json' });
  });

  it.each([500, 502, 503, 504])(
    'turns upstream %s into 502 upstream_unavailable without the upstream body, once',
    async (status) => {
      upstream.reset(json(status, { secret: 'stack trace at db.internal:5432' }, { 'retry-after': '1' }));
      const error = await rejection(
        client.forward(call('POST', '/authentication-methods', { body: Buffer.from('{}') })),
      );
      expect(error).toBeInstanceOf(UpstreamUnavailable);
      expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable', upstreamStatus: status });
      expect(JSON.stringify({ ...error, message: error.message })).not.toContain('db.internal');
      expect(upstream.seen).toHaveLength(1);
    },
  );

  it('gives up on an upstream that never answers: 504 upstream_timeout, connection closed, no retry', async () => {
    upstream.reset(() => undefined);
    const error = await rejection(
      client.forward(call('POST', '/authentication-methods', { body: Buffer.from('{}'), timeoutMs: 150 })),
    );
    expect(error).toBeInstanceOf(UpstreamTimeout);
    expect(error).toMatchObject({ status: 504, code: 'upstream_timeout' });
    expect(upstream.seen).toHaveLength(1);
    await waitFor(() => upstream.closed.has(upstream.seen[0].connection));
  });

  it('times out an upstream that sends headers and then stalls its body', async () => {
    upstream.reset((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"factors":');
    });
    const error = await rejection(client.forward(call('GET', '/factors', { timeoutMs: 150 })));
    expect(error).toBeInstanceOf(UpstreamTimeout);
  });

  it('uses the route timeout when the call gives none', async () => {
    const route = matchRoute({ method: 'GET', path: '/factors' });
    upstream.reset(() => undefined);
    const shortRoute = { ...route, route: { ...route.route, timeoutMs: 100 } };
    await expect(client.forward({ ...call('GET', '/factors'), match: shortRoute })).rejects.toBeInstanceOf(
      UpstreamTimeout,
    );
  });

  it('answers 502 when the connection breaks mid-response', async () => {
    upstream.reset((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"partial":');
      setTimeout(() => req.socket.destroy(), 20);
    });
    await expect(client.forward(call('GET', '/factors'))).rejects.toBeInstanceOf(UpstreamUnavailable);
  });

  it('carries large bodies both ways intact', async () => {
    const big = Buffer.from(JSON.stringify({ name: 'x'.repeat(600_000) }));
    upstream.reset((_req, res, body) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body);
    });
    const result = await client.forward(call('PATCH', '/authentication-methods/totp%7C1', { body: big }));
    expect(upstream.seen[0].body.equals(big)).toBe(true);
    expect(result.body.equals(big)).toBe(true);
  });

  it('refuses an upstream body above the response limit with 502', async () => {
    const small = new UpstreamClient({ baseUrl: upstream.baseUrl, maxResponseBytes: 1000 });
    upstream.reset(json(200, { factors: 'y'.repeat(5000) }));
    await expect(small.forward(call('GET', '/factors'))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_unavailable',
    });
    small.close();
  });

  it('reuses keep-alive connections for sequential requests', async () => {
    const pooled = new UpstreamClient({ baseUrl: upstream.baseUrl });
    upstream.reset(json(200, { factors: [] }));
    for (let i = 0; i < 10; i++) await pooled.forward(call('GET', '/factors'));
    // undici's pool takes a connection back just after its answer is delivered, so the next request may
    // open a second one; from then on the two are reused (not one connection per request).
    expect(new Set(upstream.seen.map((s) => s.connection)).size).toBeLessThanOrEqual(2);
    for (let i = 0; i < 10; i++) await pooled.forward(call('GET', '/factors'));
    expect(new Set(upstream.seen.map((s) => s.connection)).size).toBeLessThanOrEqual(2);
    pooled.close();
  });

  it('keeps concurrent requests within maxSockets connections', async () => {
    const pooled = new UpstreamClient({ baseUrl: upstream.baseUrl, maxSockets: 2 });
    upstream.reset((req, res) => setTimeout(() => json(200, { factors: [] })(req, res, Buffer.alloc(0)), 20));
    await Promise.all(Array.from({ length: 8 }, () => pooled.forward(call('GET', '/factors'))));
    expect(upstream.seen).toHaveLength(8);
    expect(new Set(upstream.seen.map((s) => s.connection)).size).toBe(2);
    pooled.close();
  });
});

describe('UpstreamClient configuration', () => {
  it.each(['ftp://tenant.example.com/me/v1', 'file:///etc/passwd'])('refuses the base URL %s', (baseUrl) => {
    expect(() => new UpstreamClient({ baseUrl })).toThrow(/must be http\(s\)/);
  });

  it('builds upstream URLs under the base, with or without a trailing slash', () => {
    const a = new UpstreamClient({ baseUrl: 'https://tenant.example.com/me/v1/' });
    expect(a.urlFor('/authentication-methods/totp%7C1', 'type=totp').href).toBe(
      'https://tenant.example.com/me/v1/authentication-methods/totp%7C1?type=totp',
    );
    a.close();
  });
});

describe('UpstreamClient when nothing listens', () => {
  it('answers 502 upstream_unavailable on connection refused', async () => {
    const client = new UpstreamClient({ baseUrl: `http://127.0.0.1:${await freePort()}/me/v1` });
    const error = await rejection(client.forward(call('GET', '/factors')));
    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect(error).toMatchObject({ status: 502, code: 'upstream_unavailable' });
    client.close();
  });
});

describe('UpstreamClient with DPoP', () => {
  let upstream: FakeUpstream;
  let client: UpstreamClient;
  let key: DpopKey;
  const nonceChallenge = json(
    401,
    { title: 'Unauthorized' },
    { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'n-1' },
  );
  const dpopCall = (extra: Partial<UpstreamCall> = {}) =>
    call(
      'POST',
      '/authentication-methods',
      {
        authorization: `DPoP ${AT}`,
        dpop: key.proofFactory(AT),
        body: Buffer.from('{"type":"totp"}'),
        ...extra,
      },
      'ignored=1',
    );

  beforeAll(async () => {
    upstream = await new FakeUpstream().start();
    client = new UpstreamClient({ baseUrl: upstream.baseUrl });
    key = await DpopKey.generate();
  });
  afterAll(async () => {
    client.close();
    await upstream.close();
  });

  it('signs a proof for the upstream URL (DP-4) with ath and the known nonce', async () => {
    upstream.reset(json(202, {}, { 'dpop-nonce': 'n-2' }));
    const result = await client.forward(dpopCall({ dpopNonce: 'n-0' }));
    const [seen] = upstream.seen;
    expect(seen.headers.authorization).toBe(`DPoP ${AT}`);
    const claims = decodeJwt(String(seen.headers.dpop));
    expect(claims).toMatchObject({
      htm: 'POST',
      htu: `${upstream.baseUrl}/authentication-methods`,
      nonce: 'n-0',
    });
    expect(claims.ath).toBe(createHash('sha256').update(AT).digest('base64url'));
    expect(result.dpopNonce).toBe('n-2');
  });

  it('E1: retries once on use_dpop_nonce with the new nonce, a new jti and the same body', async () => {
    upstream.reset((req, res, body) =>
      upstream.seen.length === 1 ? nonceChallenge(req, res, body) : json(202, { ok: true })(req, res, body),
    );
    const result = await client.forward(dpopCall());
    expect(result.status).toBe(202);
    expect(upstream.seen).toHaveLength(2);
    const [first, second] = upstream.seen.map((s) => decodeJwt(String(s.headers.dpop)));
    expect(first).not.toHaveProperty('nonce');
    expect(second.nonce).toBe('n-1');
    expect(second.jti).not.toBe(first.jti);
    expect(upstream.seen[1].body.toString()).toBe('{"type":"totp"}');
    expect(result.dpopNonce).toBe('n-1');
  });

  it('E2: a second nonce demand ends in 502, after exactly one retry', async () => {
    upstream.reset(nonceChallenge);
    await expect(client.forward(dpopCall())).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(upstream.seen).toHaveLength(2);
  });

  it('does not retry a nonce challenge that carries no nonce', async () => {
    upstream.reset(json(401, {}, { 'www-authenticate': 'DPoP error="use_dpop_nonce"' }));
    await expect(client.forward(dpopCall())).rejects.toBeInstanceOf(UpstreamUnavailable);
    expect(upstream.seen).toHaveLength(1);
  });

  it('never retries a Bearer call, whatever the upstream says', async () => {
    upstream.reset(nonceChallenge);
    const result = await client.forward(call('GET', '/factors'));
    expect(result.status).toBe(401);
    expect(upstream.seen).toHaveLength(1);
    expect(upstream.seen[0].headers).not.toHaveProperty('dpop');
  });

  it('does not retry other 401s', async () => {
    upstream.reset(json(401, {}, { 'www-authenticate': 'DPoP error="invalid_token"', 'dpop-nonce': 'n-3' }));
    const result = await client.forward(dpopCall());
    expect(result.status).toBe(401);
    expect(upstream.seen).toHaveLength(1);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
