import { checkStepUpResult, isMultiFactor, type StepUpClaims } from './step-up-result.js';
import { MFA_ACR } from './step-up-policy.js';

const NOW = 1_800_000_000;
const MFA_REQUEST = { acr_values: MFA_ACR, max_age: 300 };
const claims = (extra: Partial<StepUpClaims> = {}): StepUpClaims => ({
  sub: 'auth0|u1',
  auth_time: NOW - 5,
  amr: ['pwd', 'mfa'],
  ...extra,
});
const check = (c: StepUpClaims, requested: { acr_values?: string; max_age?: number } = MFA_REQUEST) =>
  checkStepUpResult({ claims: c, sessionSub: 'auth0|u1', requested, now: NOW });

describe('checkStepUpResult', () => {
  it.each<[string, StepUpClaims, object]>([
    ['amr contains mfa', claims(), { ok: true, authTime: NOW - 5, mfa: true }],
    [
      'acr equals the requested value',
      claims({ amr: undefined, acr: MFA_ACR }),
      { ok: true, authTime: NOW - 5, mfa: true },
    ],
    [
      'auth_time at the edge of max_age',
      claims({ auth_time: NOW - 300 }),
      { ok: true, authTime: NOW - 300, mfa: true },
    ],
    [
      'auth_time within the clock tolerance',
      claims({ auth_time: NOW - 350 }),
      { ok: true, authTime: NOW - 350, mfa: true },
    ],
    ['F6: a different sub', claims({ sub: 'auth0|other' }), { ok: false, reason: 'different_user' }],
    ['SU-6: no auth_time', claims({ auth_time: undefined }), { ok: false, reason: 'auth_time_missing' }],
    ['auth_time as a string', claims({ auth_time: String(NOW) }), { ok: false, reason: 'auth_time_missing' }],
    ['F5: auth_time too old', claims({ auth_time: NOW - 400 }), { ok: false, reason: 'auth_time_too_old' }],
    [
      'auth_time in the future',
      claims({ auth_time: NOW + 120 }),
      { ok: false, reason: 'auth_time_in_future' },
    ],
    ['F5: amr without mfa', claims({ amr: ['pwd'] }), { ok: false, reason: 'mfa_missing' }],
    ['F5: another acr', claims({ amr: ['pwd'], acr: 'urn:weak' }), { ok: false, reason: 'mfa_missing' }],
    ['amr as a string (not an array)', claims({ amr: 'mfa' }), { ok: false, reason: 'mfa_missing' }],
    ['SU-8: a refreshed ID token (no amr)', claims({ amr: undefined }), { ok: false, reason: 'mfa_missing' }],
  ])('%s', (_name, c, expected) => {
    expect(check(c)).toEqual(expected);
  });

  it('accepts a first-factor (login-only) step-up without MFA, and says no MFA happened', () => {
    expect(check(claims({ amr: ['pwd'] }), { max_age: 300 })).toEqual({
      ok: true,
      authTime: NOW - 5,
      mfa: false,
    });
    expect(check(claims({ amr: ['pwd'], auth_time: NOW - 1000 }), { max_age: 300 })).toMatchObject({
      ok: false,
      reason: 'auth_time_too_old',
    });
  });

  it('accepts any of several requested acr values', () => {
    expect(check(claims({ amr: [], acr: 'urn:b' }), { acr_values: 'urn:a urn:b' })).toMatchObject({
      ok: true,
      mfa: true,
    });
  });

  it.each([
    [{ sub: 's', amr: ['mfa'] }, undefined, true],
    [{ sub: 's', acr: MFA_ACR }, MFA_ACR, true],
    [{ sub: 's', acr: MFA_ACR }, undefined, false],
    [{ sub: 's', acr: '' }, '', false],
    [{ sub: 's', amr: ['MFA'] }, undefined, false],
  ])('isMultiFactor(%j, %j) = %s', (c, acr, expected) => {
    expect(isMultiFactor(c, acr)).toBe(expected);
  });
});
