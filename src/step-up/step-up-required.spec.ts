import { StepUpRequired } from './step-up-challenge.js';
import { DEFAULT_STEP_UP_POLICY, MFA_ACR, type StepUpPolicy } from './step-up-policy.js';
import { challengeFor, stepUpRequired, type StepUpReason } from './step-up-required.js';

const gold: StepUpPolicy = { ...DEFAULT_STEP_UP_POLICY, acrValues: 'urn:gold', maxAge: 120 };

describe('challengeFor', () => {
  it.each<[string, StepUpReason, StepUpPolicy, object]>([
    ['a policy refusal as decided', { kind: 'policy', challenge: { max_age: 60 } }, gold, { max_age: 60 }],
    [
      'an upstream challenge as translated',
      { kind: 'upstream', challenge: { acr_values: MFA_ACR } },
      gold,
      { acr_values: MFA_ACR },
    ],
    [
      "Auth0's mfa_required on refresh: the policy's MFA within its max_age",
      { kind: 'refresh_mfa_required' },
      DEFAULT_STEP_UP_POLICY,
      { acr_values: MFA_ACR, max_age: 300 },
    ],
    [
      'mfa_required on refresh under a configured policy',
      { kind: 'refresh_mfa_required' },
      gold,
      { acr_values: 'urn:gold', max_age: 120 },
    ],
    [
      "mfa_required on an embedded login: the policy's acr_values, no max_age",
      { kind: 'login_mfa_required' },
      gold,
      { acr_values: 'urn:gold' },
    ],
  ])('%s', (_name, reason, policy, expected) => {
    expect(challengeFor(reason, policy)).toEqual(expected);
  });
});

describe('stepUpRequired', () => {
  it('is the 401 StepUpRequired of the challenge, with login_url back to the returnTo', () => {
    const error = stepUpRequired({ kind: 'refresh_mfa_required' }, gold, '/account');
    expect(error).toBeInstanceOf(StepUpRequired);
    expect(error.challenge).toEqual({ acr_values: 'urn:gold', max_age: 120 });
    expect(error.status).toBe(401);
    expect(error.extras).toEqual({
      acr_values: 'urn:gold',
      max_age: 120,
      login_url: '/auth/login?acr_values=urn%3Agold&max_age=120&returnTo=%2Faccount',
    });
    expect(error.headers['www-authenticate']).toContain('error="insufficient_user_authentication"');
  });

  it('judges returnTo by the returnTo rule: another origin becomes /', () => {
    const error = stepUpRequired({ kind: 'login_mfa_required' }, gold, 'https://evil.example/x');
    expect(error.extras.login_url).toBe('/auth/login?acr_values=urn%3Agold&returnTo=%2F');
  });
});
