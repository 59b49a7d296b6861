import { StatusError } from '../http/status-error.js';
import { MFA_ACR } from './step-up-policy.js';
import {
  buildStepUpChallenge,
  buildStepUpHeader,
  buildStepUpLoginUrl,
  StepUpRequired,
} from './step-up-challenge.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('buildStepUpChallenge', () => {
  it('answers the exact RFC 9470 header and problem body for an MFA challenge', () => {
    const response = buildStepUpChallenge({ acr_values: MFA_ACR, max_age: 300 }, '/account?tab=security');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      `Bearer error="insufficient_user_authentication", error_description="A multi-factor authentication within the last 300 seconds is required", acr_values="${MFA_ACR}", max_age=300`,
    );
    expect(response.problem).toEqual({
      type: 'about:blank',
      title: 'Unauthorized',
      status: 401,
      detail: 'A multi-factor authentication within the last 300 seconds is required',
      code: 'insufficient_user_authentication',
      acr_values: MFA_ACR,
      max_age: 300,
      login_url: `/auth/login?acr_values=${encodeURIComponent(MFA_ACR)}&max_age=300&returnTo=%2Faccount%3Ftab%3Dsecurity`,
    });
  });

  it('leaves acr_values out of a first-factor (login only) challenge', () => {
    const response = buildStepUpChallenge({ max_age: 300 });
    expect(response.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_user_authentication", error_description="A recent login within the last 300 seconds is required", max_age=300',
    );
    expect(response.problem).not.toHaveProperty('acr_values');
    expect(response.problem.login_url).toBe('/auth/login?max_age=300&returnTo=%2F');
  });

  it('builds a header its own parser reads back, with quotes and backslashes escaped', () => {
    const header = buildStepUpHeader({ acr_values: 'a"b c\\d', max_age: 0 });
    const [challenge] = parseWwwAuthenticate(header);
    expect(challenge.wellFormed).toBe(true);
    expect(challenge.params).toMatchObject({
      error: 'insufficient_user_authentication',
      acr_values: 'a"b c\\d',
      max_age: '0',
    });
  });

  it('is a StatusError the filter can render (status, code, extra, headers)', () => {
    const error = new StepUpRequired({ acr_values: MFA_ACR, max_age: 300 }, '/x');
    expect(error).toBeInstanceOf(StatusError);
    expect(error).toMatchObject({
      status: 401,
      code: 'insufficient_user_authentication',
      name: 'StepUpRequired',
    });
    expect(error.extra).toEqual({
      acr_values: MFA_ACR,
      max_age: 300,
      login_url: expect.stringContaining('returnTo=%2Fx'),
    });
    expect(error.headers['www-authenticate']).toContain('max_age=300');
    expect(new StepUpRequired({ max_age: 60 }).extra).not.toHaveProperty('acr_values');
  });
});

describe('buildStepUpLoginUrl', () => {
  it('encodes every value in the login URL', () => {
    const url = buildStepUpLoginUrl({ acr_values: 'a&b=c d', max_age: 5 }, '/x?y=1&returnTo=//evil');
    const query = new URL(url, 'https://bff.example').searchParams;
    expect(url.startsWith('/auth/login?')).toBe(true);
    expect(query.get('acr_values')).toBe('a&b=c d');
    expect(query.get('max_age')).toBe('5');
    expect(query.getAll('returnTo')).toEqual(['/x?y=1&returnTo=//evil']);
  });

  it('sends a hostile returnTo to /', () => {
    const url = buildStepUpLoginUrl({ max_age: 5 }, '/%2F%2Fevil.example');
    expect(new URL(url, 'https://bff.example').searchParams.get('returnTo')).toBe('/');
  });
});
