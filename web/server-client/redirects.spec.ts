import { BffProblem } from '../client/errors.js';
import type { ProblemBody } from '../../src/public-api.types.js';
import { redirectFor } from './redirects.js';

const problem = (body: Partial<ProblemBody>) =>
  new BffProblem({
    type: 'about:blank',
    title: 't',
    status: 401,
    detail: 'd',
    code: 'login_required',
    ...body,
  });
const STEP_UP = {
  status: 401,
  code: 'insufficient_user_authentication' as const,
  login_url: '/auth/login?acr_values=mfa&max_age=300&returnTo=%2F',
};

describe('redirectFor', () => {
  it('sends a signed-out page to /auth/login, back to the page', () => {
    const redirect = redirectFor(problem({ code: 'login_required' }), '/example/?tab=1');
    expect(redirect?.location).toBe('/auth/login?returnTo=%2Fexample%2F%3Ftab%3D1');
  });

  it("follows a step-up's login_url with the page's returnTo, keeping acr_values and max_age", () => {
    const url = new URL(redirectFor(problem(STEP_UP), '/example/methods/x/remove')!.location, 'http://h');
    expect(url.pathname).toBe('/auth/login');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      acr_values: 'mfa',
      max_age: '300',
      returnTo: '/example/methods/x/remove',
    });
  });

  it('follows insufficient_scope too', () => {
    const redirect = redirectFor(
      problem({ status: 403, code: 'insufficient_scope', login_url: '/auth/login?scope=a' }),
      '/p',
    );
    expect(redirect?.location).toBe('/auth/login?scope=a&returnTo=%2Fp');
  });

  it.each(['https://evil.example/auth/login', '//evil.example/auth/login', '/\\evil.example', 'auth/login'])(
    'never follows a login_url off this origin (%s)',
    (loginUrl) => {
      expect(redirectFor(problem({ ...STEP_UP, login_url: loginUrl }), '/p')).toBeUndefined();
    },
  );

  it.each(['https://evil.example/', '//evil.example', '/\\evil', 'javascript:alert(1)'])(
    'comes back to / when the page path is not a same-origin path (%s)',
    (returnTo) => {
      expect(
        new URL(redirectFor(problem(STEP_UP), returnTo)!.location, 'http://h').searchParams.get('returnTo'),
      ).toBe('/');
      expect(redirectFor(problem({ code: 'login_required' }), returnTo)?.location).toBe(
        '/auth/login?returnTo=%2F',
      );
    },
  );

  it('leaves other problems alone, and a step-up without login_url', () => {
    expect(redirectFor(problem({ status: 403, code: 'csrf_failed' }), '/p')).toBeUndefined();
    expect(redirectFor(problem({ ...STEP_UP, login_url: undefined }), '/p')).toBeUndefined();
  });
});
