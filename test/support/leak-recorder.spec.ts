import { Controller, Get, Module } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Public } from '../../src/auth/public.decorator.js';
import { createLogger } from '../../src/logging/logger.js';
import { loginThroughBff, startTestBff, type TestBff } from './bff.js';
import { CookieClient } from './cookie-client.js';
import {
  captureResponses,
  LeakRecorder,
  MAX_BODY_BYTES,
  recordingFetch,
  recordingLogger,
} from './leak-recorder.js';
import { freePort, startTestRedis, type TestRedis } from './redis.js';
import { startTestTenant, type TestTenant } from './tenant.js';

const ACCESS = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhdXRoMHwxMjMifQ.c2lnbmF0dXJlLW9mLXRoZS1hY2Nlc3MtdG9rZW4';
const REFRESH = 'v1.refresh-token-0123456789abcdefghij';

function recorderWithTokens(options?: ConstructorParameters<typeof LeakRecorder>[0]) {
  const recorder = new LeakRecorder(options);
  recorder.recordTokenResponse({ access_token: ACCESS, refresh_token: REFRESH, token_type: 'Bearer' });
  return recorder;
}

describe('LeakRecorder', () => {
  it('finds a token in a response body, naming the response but not printing the token', () => {
    const recorder = recorderWithTokens();
    const res = recorder.startResponse('GET', '/api/session?x=1');
    recorder.recordBody(res!, `{"token":"${REFRESH}"}`);
    expect(() => recorder.check()).toThrow(/response GET \/api\/session body holds token #2/);
    try {
      recorder.check();
    } catch (err) {
      expect((err as Error).message).not.toContain(REFRESH);
      expect((err as Error).message).not.toContain(ACCESS.slice(0, 40));
    }
  });

  it('finds a token in a header, and a truncated copy (its first 40 characters)', () => {
    const recorder = recorderWithTokens();
    const res = recorder.startResponse('POST', '/auth/logout');
    recorder.recordHeader(res!, 'location', `https://idp/logout?hint=${ACCESS.slice(0, 40)}`);
    expect(recorder.findLeaks()).toEqual([
      'response POST /auth/logout header location holds token #1 (87 chars)',
    ]);
  });

  it('finds a token in a log line, naming its msg', () => {
    const recorder = recorderWithTokens();
    recorder.recordLogLine(JSON.stringify({ level: 30, msg: 'refreshed', detail: `bearer ${ACCESS}` }));
    expect(recorder.findLeaks()).toEqual(['log line "refreshed" holds token #1 (87 chars)']);
  });

  it('ignores unrelated text, requests of ignored paths and too-short fake tokens', () => {
    const recorder = recorderWithTokens({ ignorePaths: ['/test/echo', /^\/debug\//] });
    recorder.recordToken('at-1');
    const res = recorder.startResponse('GET', '/api/session');
    recorder.recordHeader(res!, 'set-cookie', ['__Host-bff=opaque-session-id; Path=/']);
    recorder.recordBody(res!, Buffer.from('{"user":{"sub":"auth0|123"},"note":"at-1 eyJhbGciOiJSUzI1NiJ9"}'));
    recorder.recordLogLine('{"msg":"login","event":"login"}');
    expect(recorder.startResponse('GET', '/test/echo')).toBeUndefined();
    expect(recorder.startResponse('GET', '/debug/token')).toBeUndefined();
    expect(() => recorder.check()).not.toThrow();
  });

  it('keeps at most MAX_BODY_BYTES per response', () => {
    const recorder = recorderWithTokens();
    const res = recorder.startResponse('GET', '/big');
    recorder.recordBody(res!, 'x'.repeat(MAX_BODY_BYTES));
    recorder.recordBody(res!, ACCESS);
    expect(recorder.findLeaks()).toEqual([]);
  });
});

describe('recordingFetch', () => {
  it('records the tokens of a JSON answer and leaves the body for the caller', async () => {
    const recorder = new LeakRecorder();
    const body = JSON.stringify({ access_token: ACCESS, id_token: `${ACCESS}.id`, expires_in: 60 });
    const fetch = recordingFetch(
      recorder,
      async () => new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } }),
    );
    const response = await fetch('http://idp/oauth/token', { method: 'POST' });
    expect(await response.json()).toEqual(JSON.parse(body));
    recorder.recordLogLine(`{"msg":"x","t":"${ACCESS}"}`);
    expect(recorder.findLeaks()).toHaveLength(2);
  });
});

describe('captureResponses and recordingLogger', () => {
  let server: Server;
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function serve(handler: (res: import('node:http').ServerResponse) => void, recorder: LeakRecorder) {
    server = createServer((_req, res) => handler(res));
    captureResponses(recorder, server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return fetch(`http://127.0.0.1:${port}/x?q=1`);
  }

  it('captures headers set with setHeader and writeHead, and chunks from write and end', async () => {
    const recorder = recorderWithTokens();
    const answer = await serve((res) => {
      res.setHeader('x-a', 'plain');
      res.writeHead(200, { 'x-b': `t=${REFRESH}` });
      res.write('part one ');
      res.end(Buffer.from(`and ${ACCESS}`));
    }, recorder);
    expect(await answer.text()).toBe(`part one and ${ACCESS}`);
    expect(recorder.findLeaks()).toEqual([
      'response GET /x header x-b holds token #2 (37 chars)',
      'response GET /x body holds token #1 (87 chars)',
    ]);
  });

  it('records info lines of a silent logger without forwarding them; forwards lines at the caller level', () => {
    const recorder = recorderWithTokens();
    const forwarded: string[] = [];
    const sink = new Writable({ write: (chunk, _e, done) => void (forwarded.push(String(chunk)), done()) });
    const silent = recordingLogger(recorder, createLogger('silent', sink));
    silent.info({ detail: ACCESS }, 'info line');
    const warn = recordingLogger(recorder, createLogger('warn', sink));
    warn.info('dropped for the caller');
    warn.warn('kept for the caller');
    warn.debug('below info: not recorded');
    expect(recorder.findLeaks()).toEqual(['log line "info line" holds token #1 (87 chars)']);
    expect(forwarded.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['kept for the caller']);
  });

  it('keeps the logger redaction: a token under a redacted key is not a leak', () => {
    const recorder = recorderWithTokens();
    const logger = recordingLogger(
      recorder,
      createLogger('info', new Writable({ write: (_c, _e, d) => d() })),
    );
    logger.info({ access_token: ACCESS }, 'redacted');
    expect(recorder.findLeaks()).toEqual([]);
  });
});

/** The whole wiring through a real BFF: a test-only route that echoes the access token fails `close()`. */
describe('startTestBff leak check (real BFF, tenant and Redis)', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let port: number;
  const seen: { token?: string } = {};

  @Public()
  @Controller('test-only-echo')
  class EchoController {
    @Get()
    echo() {
      return { token: seen.token?.slice(0, 50) };
    }
  }
  @Module({ controllers: [EchoController] })
  class EchoModule {}

  // Remembers the access token of the token endpoint's answer (after the recorder saw it too).
  const oidcFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const json = (await response
      .clone()
      .json()
      .catch(() => undefined)) as { access_token?: string } | undefined;
    if (json?.access_token) seen.token = json.access_token;
    return response;
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    port = await freePort();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
  }, 30_000);
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  /** Signs in (the BFF now holds tokens) and calls the echo route; closes the BFF if that fails. */
  async function loginAndEcho(bff: TestBff) {
    try {
      const client = new CookieClient();
      expect((await loginThroughBff(client, bff.url)).status).toBe(302);
      const echo = await client.get(`${bff.url}/test-only-echo`);
      expect(echo.body).toContain(seen.token?.slice(0, 50));
    } catch (err) {
      await bff.close().catch(() => undefined);
      throw err;
    }
  }

  it('fails close() naming the response, without the token', async () => {
    const bff = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      oidcFetch,
      imports: [EchoModule],
    });
    await loginAndEcho(bff);
    const failure = await bff.close().then(
      () => undefined,
      (err: Error) => err,
    );
    expect(failure?.message).toMatch(/response GET \/test-only-echo body holds token/);
    expect(failure?.message).not.toContain(seen.token?.slice(0, 40));
  }, 30_000);

  it('passes when that route is in leakCheck.ignorePaths', async () => {
    const bff = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      oidcFetch,
      imports: [EchoModule],
      leakCheck: { ignorePaths: ['/test-only-echo'] },
    });
    await loginAndEcho(bff);
    await expect(bff.close()).resolves.toBeUndefined();
  }, 30_000);
});
