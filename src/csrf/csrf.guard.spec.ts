import {
  Catch,
  Controller,
  Delete,
  Get,
  Module,
  Post,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, NestFactory } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { AddressInfo } from 'node:net';
import { BffError } from '../http/bff-error.js';
import { StatusError } from '../http/status-error.js';
import { STORE_FAILURE } from '../session/session.middleware.js';
import { CSRF_OPTIONS, CsrfGuard, hasCookie } from './csrf.guard.js';

const ORIGIN = 'https://app.example.com';
const COOKIE = '__Host-bff=s%3Aabc.sig';
const SESSION_TOKEN = 'k1d9Yq0vTzW3mB7xR2sN5pLc8HfJ4gAe';

@Controller()
class ProbeController {
  @Get('api/session') session() {
    return { ok: true };
  }
  @Post('api/me/v1/authentication-methods') create() {
    return { created: true };
  }
  @Delete('api/sessions/:id') revoke() {
    return { revoked: true };
  }
  @Get('auth/login') login() {
    return { navigation: true };
  }
}

/** Stands in for the application's problem filter: renders a StatusError's or BffError's status and code. */
@Catch(StatusError, BffError)
class StatusErrorFilter implements ExceptionFilter {
  catch(error: StatusError | BffError, host: ArgumentsHost) {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(error.status)
      .json({ code: error.code, detail: error.message });
  }
}

/**
 * Stands in for the session middleware: the probe cookie names a session holding SESSION_TOKEN, unless the
 * request asks to play a store failure (then there is no session, as when Redis does not answer).
 */
function fakeSessions(req: Request, _res: Response, next: NextFunction) {
  if (req.headers['x-test-store'] === 'down') req[STORE_FAILURE] = new Error('store down');
  else if (req.headers.cookie === COOKIE)
    (req as unknown as { session: object }).session = { csrfToken: SESSION_TOKEN };
  next();
}

@Module({
  controllers: [ProbeController],
  providers: [
    {
      provide: CSRF_OPTIONS,
      useValue: { publicOrigin: ORIGIN, sessionCookieName: '__Host-bff', storeRetryAfterSeconds: 2 },
    },
    { provide: APP_GUARD, useClass: CsrfGuard },
    { provide: APP_FILTER, useClass: StatusErrorFilter },
  ],
})
class ProbeModule {}

describe('CsrfGuard as a global guard', () => {
  let app: INestApplication;
  let base: string;
  const call = async (method: string, path: string, headers: Record<string, string> = {}, body?: string) => {
    const res = await fetch(`${base}${path}`, { method, headers, body });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    app = await NestFactory.create(ProbeModule, { logger: false });
    app.use(fakeSessions);
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  it('refuses an API call with the session cookie and no X-CSRF', async () => {
    expect(await call('GET', '/api/session', { cookie: COOKIE })).toEqual({
      status: 403,
      body: { code: 'csrf_failed', detail: 'The X-CSRF: 1 header is required' },
    });
  });

  it('lets it through with X-CSRF: 1', async () => {
    expect(await call('GET', '/api/session', { cookie: COOKIE, 'x-csrf': '1' })).toEqual({
      status: 200,
      body: { ok: true },
    });
  });

  it('refuses a cross-site write and a text/plain body before the handler runs', async () => {
    const headers = {
      cookie: COOKIE,
      'x-csrf': '1',
      origin: 'https://evil.example',
      'content-type': 'application/json',
    };
    expect((await call('POST', '/api/me/v1/authentication-methods', headers, '{}')).status).toBe(403);
    const plain = {
      cookie: COOKIE,
      'x-csrf': '1',
      origin: ORIGIN,
      'sec-fetch-site': 'same-origin',
      'content-type': 'text/plain',
    };
    expect(await call('POST', '/api/me/v1/authentication-methods', plain, '{}')).toMatchObject({
      status: 415,
      body: { code: 'unsupported_media_type' },
    });
  });

  it('accepts a same-origin JSON write from a browser (Sec-Fetch-Site)', async () => {
    const browser = { cookie: COOKIE, 'x-csrf': '1', origin: ORIGIN, 'sec-fetch-site': 'same-origin' };
    const headers = { ...browser, 'content-type': 'application/json' };
    expect(await call('POST', '/api/me/v1/authentication-methods', headers, '{}')).toEqual({
      status: 201,
      body: { created: true },
    });
    expect((await call('DELETE', '/api/sessions/s1', browser)).status).toBe(200);
  });

  it("compares a server-side write's X-CSRF-Token with the token of the session the cookie names", async () => {
    const server = { cookie: COOKIE, 'x-csrf': '1', origin: ORIGIN };
    expect(await call('DELETE', '/api/sessions/s1', server)).toEqual({
      status: 403,
      body: {
        code: 'csrf_failed',
        detail: "A write without Sec-Fetch-Site needs the session's CSRF token in X-CSRF-Token",
      },
    });
    expect((await call('DELETE', '/api/sessions/s1', { ...server, 'x-csrf-token': 'guess' })).status).toBe(
      403,
    );
    expect(
      (await call('DELETE', '/api/sessions/s1', { ...server, 'x-csrf-token': SESSION_TOKEN })).status,
    ).toBe(200);
    const otherCookie = { ...server, cookie: '__Host-bff=s%3Aother.sig', 'x-csrf-token': SESSION_TOKEN };
    expect((await call('DELETE', '/api/sessions/s1', otherCookie)).status).toBe(403);
  });

  it('answers 503 when the store failed before the token could be compared, 403 for other failures', async () => {
    const down = { cookie: COOKIE, 'x-csrf': '1', origin: ORIGIN, 'x-test-store': 'down' };
    expect(
      await call('DELETE', '/api/sessions/s1', { ...down, 'x-csrf-token': SESSION_TOKEN }),
    ).toMatchObject({
      status: 503,
      body: { code: 'session_store_unavailable' },
    });
    const { 'x-csrf': _omitted, ...noHeader } = down;
    expect((await call('DELETE', '/api/sessions/s1', noHeader)).status).toBe(403);
  });

  it('lets a bearer caller through without X-CSRF', async () => {
    const headers = { authorization: 'Bearer eyJ.x.y', 'content-type': 'application/json' };
    expect((await call('POST', '/api/me/v1/authentication-methods', headers, '{}')).status).toBe(201);
  });

  it('leaves navigations alone', async () => {
    expect((await call('GET', '/auth/login', { cookie: COOKIE })).status).toBe(200);
  });

  it('judges an upper-case path Express routes to the API', async () => {
    expect((await call('GET', '/API/session', { cookie: COOKIE })).status).toBe(403);
  });
});

describe('hasCookie', () => {
  it.each([
    ['__Host-bff=abc', true],
    ['a=1; __Host-bff=abc; b=2', true],
    ['a=1;__Host-bff=abc', true],
    ['__Host-bff=', false],
    ['__Host-bffx=abc', false],
    ['x__Host-bff=abc', false],
    ['__host-bff=abc', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(hasCookie(header, '__Host-bff')).toBe(expected);
  });
  it('is false without a Cookie header', () => {
    expect(hasCookie(undefined, '__Host-bff')).toBe(false);
  });
});
