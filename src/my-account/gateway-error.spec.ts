import type { Request } from 'express';
import { CsrfFailed, UnsupportedMediaType } from '../csrf/csrf-errors.js';
import { toProblem } from '../http/problem.js';
import { StepUpRequired } from '../step-up/step-up-challenge.js';
import { MFA_ACR } from '../step-up/step-up-policy.js';
import {
  InsufficientScope,
  InvalidPath,
  MethodNotAllowed,
  RouteNotFound,
  UpstreamTimeout,
  UpstreamUnavailable,
} from './gateway-error.js';
import { PayloadTooLarge } from './request-body.js';

const req = { method: 'POST', path: '/api/me/v1/authentication-methods' } as Request;

describe('gateway errors as the problem-details filter renders them', () => {
  it.each([
    [
      new InvalidPath('The path contains a dot segment'),
      400,
      'invalid_request',
      'The path contains a dot segment',
    ],
    [new RouteNotFound(), 404, 'not_found', 'No My Account API operation has this path'],
    [new PayloadTooLarge(10), 413, 'payload_too_large', 'The request body is larger than 10 bytes'],
    [
      new CsrfFailed('The X-CSRF: 1 header is required'),
      403,
      'csrf_failed',
      'The X-CSRF: 1 header is required',
    ],
    [new UnsupportedMediaType('json only'), 415, 'unsupported_media_type', 'json only'],
  ])('%p → %s %s with its detail', (error, status, code, detail) => {
    const problem = toProblem(error, req);
    expect(problem.status).toBe(status);
    expect(problem.body).toMatchObject({ status, code, detail, type: 'about:blank' });
  });

  it('405 carries Allow as a header and a member', () => {
    const problem = toProblem(new MethodNotAllowed(['GET', 'DELETE', 'PATCH']), req);
    expect(problem).toMatchObject({
      status: 405,
      headers: { allow: 'GET, DELETE, PATCH' },
      body: { code: 'method_not_allowed', allow: ['GET', 'DELETE', 'PATCH'] },
    });
  });

  it('the step-up challenge keeps its WWW-Authenticate header and members', () => {
    const problem = toProblem(new StepUpRequired({ acr_values: MFA_ACR, max_age: 300 }, '/'), req);
    expect(problem.status).toBe(401);
    expect(problem.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_user_authentication"/);
    expect(problem.body).toMatchObject({
      code: 'insufficient_user_authentication',
      acr_values: MFA_ACR,
      max_age: 300,
      login_url: expect.stringMatching(/^\/auth\/login\?/),
    });
  });

  it('insufficient_scope names the scope and how to get it', () => {
    const problem = toProblem(
      new InsufficientScope('read:me:factors', '/auth/login?scope=read%3Ame%3Afactors'),
      req,
    );
    expect(problem.body).toMatchObject({
      status: 403,
      code: 'insufficient_scope',
      scope: 'read:me:factors',
      login_url: '/auth/login?scope=read%3Ame%3Afactors',
    });
  });

  it.each([
    [new UpstreamUnavailable('The My Account API failed (HTTP 500)', 500), 502, 'upstream_unavailable'],
    [new UpstreamTimeout(5000), 504, 'upstream_timeout'],
  ])('%p hides its detail (≥ 500) but keeps its code', (error, status, code) => {
    const problem = toProblem(error, req);
    expect(problem.body).toMatchObject({ status, code });
    expect(problem.body.detail).not.toContain('HTTP 500');
    expect(problem.body.detail).not.toContain('5000');
  });
});
