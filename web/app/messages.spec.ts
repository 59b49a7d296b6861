import type { ProblemCode } from '../../src/public-api.types.js';
import { BffProblem, MyAccountApiError, NetworkError, UnexpectedResponseError } from '../client/index.js';
import { errorMessage, stepUpCopy } from './messages.js';

const problem = (code: ProblemCode, status = 400) =>
  new BffProblem({ type: 'about:blank', title: 'x', status, detail: 'internal detail', code });
const myAccount = (status: number, extra: Partial<ConstructorParameters<typeof MyAccountApiError>[0]> = {}) =>
  new MyAccountApiError({ type: 't', title: 'Bad', status, detail: 'raw upstream detail', ...extra });

describe('errorMessage', () => {
  const codes: ProblemCode[] = [
    'login_required',
    'invalid_token',
    'csrf_failed',
    'insufficient_scope',
    'insufficient_user_authentication',
    'session_store_unavailable',
    'invalid_request',
    'unsupported_media_type',
    'not_found',
    'method_not_allowed',
    'payload_too_large',
    'rate_limited',
    'upstream_unavailable',
    'upstream_timeout',
    'idp_unavailable',
    'server_error',
  ];

  it.each(codes)(
    'has a sentence for the problem code %s that shows neither the code nor the detail',
    (code) => {
      const text = errorMessage(problem(code));
      expect(text).toMatch(/^[A-Z].*\.$/);
      expect(text).not.toContain(code);
      expect(text).not.toContain('internal detail');
    },
  );

  it('explains the step-up in the words of the page', () => {
    expect(errorMessage(problem('insufficient_user_authentication', 401))).toBe(
      "For your security, confirm it's you before making this change.",
    );
  });

  it('reads a wrong one-time code as such', () => {
    expect(errorMessage(myAccount(400), 'code')).toBe(
      "That code didn't work. Check it and try again, or start over.",
    );
    expect(errorMessage(myAccount(403), 'code')).toMatch(/code didn't work/);
  });

  it('names the field of a validation error', () => {
    const err = myAccount(400, { validation_errors: [{ detail: 'bad', pointer: '/phone_number' }] });
    expect(errorMessage(err)).toMatch(/^Check the phone number/);
    expect(errorMessage(myAccount(400, { validation_errors: [{ detail: 'bad', field: 'email' }] }))).toBe(
      'Check the email address and try again.',
    );
    expect(errorMessage(myAccount(400))).toBe("That wasn't accepted. Check what you entered and try again.");
  });

  it.each([
    [401, /session has ended/],
    [403, /isn't allowed/],
    [404, /no longer exists/],
    [409, /last way to sign in/],
    [415, /Reload the page/],
    [429, /Too many attempts/],
    [500, /unavailable/],
    [418, /Something went wrong/],
  ])('maps My Account status %i to a sentence', (status, re) => {
    expect(errorMessage(myAccount(status))).toMatch(re);
  });

  it('reads a missing list (404) as a part that is not available, not as a vanished item', () => {
    expect(errorMessage(problem('not_found', 404), 'load')).toBe(
      "This part of your account isn't available right now.",
    );
    expect(errorMessage(myAccount(404), 'load')).toBe("This part of your account isn't available right now.");
    expect(errorMessage(problem('upstream_unavailable', 502), 'load')).toMatch(/unavailable right now/);
    expect(errorMessage(problem('not_found', 404))).toMatch(/no longer exists/);
  });

  it('reads passkey sign-in failures as such, not as an ended session', () => {
    expect(errorMessage(problem('login_required', 401), 'passkey-login')).toBe(
      "That passkey didn't sign you in. Try again, or use Sign in.",
    );
    expect(errorMessage(problem('not_found', 404), 'passkey-login')).toMatch(/isn't available here/);
    expect(errorMessage(problem('idp_unavailable', 502), 'passkey-login')).toMatch(
      /sign-in service is unavailable/,
    );
    expect(errorMessage(new DOMException('x', 'NotAllowedError'), 'passkey-login')).toMatch(
      /cancelled or timed out/,
    );
  });

  it('maps a failed passkey verification', () => {
    expect(errorMessage(myAccount(400), 'passkey')).toMatch(/passkey couldn't be verified/);
  });

  it.each([
    ['NotAllowedError', /cancelled or timed out/],
    ['InvalidStateError', /already holds a passkey/],
    ['SecurityError', /can't be used on this address/],
    ['NotSupportedError', /doesn't support passkeys/],
  ])('maps the WebAuthn %s', (name, re) => {
    expect(errorMessage(new DOMException('x', name))).toMatch(re);
  });

  it('maps network and unexpected failures', () => {
    expect(errorMessage(new NetworkError(new TypeError('x')))).toMatch(/can't be reached/);
    expect(errorMessage(new UnexpectedResponseError(502))).toMatch(/unavailable/);
    expect(errorMessage(new UnexpectedResponseError(500))).toBe('Something went wrong. Please try again.');
    expect(errorMessage('weird')).toBe('Something went wrong. Please try again.');
  });
});

describe('stepUpCopy', () => {
  it('asks for the second factor when the challenge names an acr', () => {
    expect(stepUpCopy({ code: 'insufficient_user_authentication', acr_values: 'mfa' }, 'remove it')).toEqual({
      title: "For your security, confirm it's you",
      body: "To remove it, sign in again with your second factor. You'll come back here to finish.",
      button: "Confirm it's me",
    });
  });

  it('asks only for a recent sign-in when the challenge has max_age alone (first factor)', () => {
    expect(stepUpCopy({ code: 'insufficient_user_authentication' }, 'add a passkey').body).toBe(
      "To add a passkey, sign in again. You'll come back here to finish.",
    );
  });

  it('asks for the permission on insufficient_scope', () => {
    expect(stepUpCopy({ code: 'insufficient_scope' }, 'disconnect it')).toEqual({
      title: 'One more step',
      body: "To disconnect it, sign in again and allow the extra permission. You'll come back here to finish.",
      button: 'Sign in again',
    });
  });
});
