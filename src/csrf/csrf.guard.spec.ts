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
import type { Response } from 'express';
import type { AddressInfo } from 'node:net';
import { GatewayError } from '../my-account/gateway-error.js';
import { CSRF_OPTIONS, CsrfGuard, hasCookie } from './csrf.guard.js';
import { SkipCsrf } from './skip-csrf.decorator.js';

const ORIGIN = 'https://app.example.com';
const COOKIE = '__Host-bff=s%3Aabc.sig';

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
  @SkipCsrf()
  @Post('api/opted-out')
  optedOut() {
    return { opted: 'out' };
  }
  @Get('auth/login') login() {
    return { navigation: true };
  }
}

/** Stands in for the application's problem filter: renders a GatewayError's status and code. */
@Catch(GatewayError)
class GatewayErrorFilter implements ExceptionFilter {
  catch(error: GatewayError, host: ArgumentsHost) {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(error.status)
      .json({ code: error.code, detail: error.message });
  }
}

@Module({
  controllers: [ProbeController],
  providers: [
    { provide: CSRF_OPTIONS, useValue: { publicOrigin: ORIGIN, sessionCookieName: '__Host-bff' } },
    { provide: APP_GUARD, useClass: CsrfGuard },
    { provide: APP_FILTER, useClass: GatewayErrorFilter },
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
    const plain = { cookie: COOKIE, 'x-csrf': '1', origin: ORIGIN, 'content-type': 'text/plain' };
    expect(await call('POST', '/api/me/v1/authentication-methods', plain, '{}')).toMatchObject({
      status: 415,
      body: { code: 'unsupported_media_type' },
    });
  });

  it('accepts a same-origin JSON write', async () => {
    const headers = { cookie: COOKIE, 'x-csrf': '1', origin: ORIGIN, 'content-type': 'application/json' };
    expect(await call('POST', '/api/me/v1/authentication-methods', headers, '{}')).toEqual({
      status: 201,
      body: { created: true },
    });
    expect(
      (await call('DELETE', '/api/sessions/s1', { cookie: COOKIE, 'x-csrf': '1', origin: ORIGIN })).status,
    ).toBe(200);
  });

  it('lets a bearer caller through without X-CSRF', async () => {
    const headers = { authorization: 'Bearer eyJ.x.y', 'content-type': 'application/json' };
    expect((await call('POST', '/api/me/v1/authentication-methods', headers, '{}')).status).toBe(201);
  });

  it('honours @SkipCsrf() and leaves navigations alone', async () => {
    expect((await call('POST', '/api/opted-out', { cookie: COOKIE })).status).toBe(201);
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
