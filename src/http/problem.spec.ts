import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import type { Request } from 'express';
import { BffError, NotAuthenticated, SessionStoreUnavailable } from './bff-error.js';
import { toProblem } from './problem.js';

const api = { method: 'GET', path: '/api/session' } as Request;
const navigation = { method: 'GET', path: '/auth/callback' } as Request;

describe('toProblem', () => {
  it.each<[string, unknown, number, string]>([
    ['a Nest 404', new NotFoundException('Cannot GET /api/x'), 404, 'not_found'],
    ['a Nest 400', new BadRequestException('bad'), 400, 'invalid_request'],
    [
      'a body-parser syntax error',
      Object.assign(new SyntaxError('Unexpected token'), {
        status: 400,
        type: 'entity.parse.failed',
        expose: true,
      }),
      400,
      'invalid_request',
    ],
    [
      'a body-parser size error',
      Object.assign(new Error('request entity too large'), {
        status: 413,
        type: 'entity.too.large',
        expose: true,
      }),
      413,
      'payload_too_large',
    ],
    [
      'an unsupported charset',
      Object.assign(new Error('unsupported charset "X"'), {
        status: 415,
        type: 'charset.unsupported',
        expose: true,
      }),
      415,
      'unsupported_media_type',
    ],
    ['a plain Error', new Error('db password is hunter2'), 500, 'server_error'],
    ['a thrown string', 'boom', 500, 'server_error'],
    ['a Nest 500', new HttpException('secret detail', 500), 500, 'server_error'],
  ])('%s → %d %s, RFC 9457 members', (_label, err, status, code) => {
    const problem = toProblem(err, api);
    expect(problem.status).toBe(status);
    expect(problem.body).toMatchObject({
      type: 'about:blank',
      status,
      code,
      title: expect.any(String),
      detail: expect.any(String),
    });
    expect(problem.html).toBe(false);
  });

  it('hides the detail from 500 on, whatever the error says', () => {
    for (const err of [
      new Error('db password is hunter2'),
      new HttpException('secret detail', 500),
      new BffError({
        status: 502,
        code: 'upstream_unavailable',
        title: 'Bad gateway',
        detail: 'upstream said: secret',
      }),
    ]) {
      const body = JSON.stringify(toProblem(err, api).body);
      expect(body).not.toMatch(/hunter2|secret|stack/);
    }
  });

  it('shows our own detail below 500, with extras and headers', () => {
    expect(toProblem(new NotAuthenticated(), api)).toMatchObject({
      status: 401,
      body: { code: 'login_required', login_url: '/auth/login' },
    });
    expect(toProblem(new SessionStoreUnavailable(7), api)).toMatchObject({
      status: 503,
      headers: { 'Retry-After': '7' },
      body: { code: 'session_store_unavailable' },
    });
  });

  it('renders a page for browser navigations under /auth', () => {
    expect(toProblem(new Error('x'), navigation).html).toBe(true);
    expect(toProblem(new Error('x'), { method: 'POST', path: '/auth/logout' } as Request).html).toBe(false);
    // Judged by the request class, as Express routes: any case, repeated slashes.
    expect(toProblem(new Error('x'), { method: 'GET', path: '/Auth//Callback' } as Request).html).toBe(true);
    expect(toProblem(new Error('x'), { method: 'HEAD', path: '/auth/login' } as Request).html).toBe(false);
  });
});
