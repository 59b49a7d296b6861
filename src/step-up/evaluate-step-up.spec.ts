import {
  decideStepUp,
  evaluateStepUp,
  isFresh,
  stepUpFactsOf,
  type StepUpInput,
} from './evaluate-step-up.js';
import {
  DEFAULT_STEP_UP_POLICY,
  findStepUpPolicyProblems,
  MFA_ACR,
  resolveStepUpRequirement,
  stepUpPolicyFromConfig,
  type StepUpPolicy,
} from './step-up-policy.js';

const NOW = 1_800_000_000;
/** The My Account operations these cases use, with their methods (the route table's own: route-step-up.spec.ts). */
const METHODS: Readonly<Record<string, string>> = {
  getFactors: 'GET',
  getAuthenticationMethods: 'GET',
  createAuthenticationMethod: 'POST',
  confirmAuthenticationMethod: 'POST',
  updateAuthenticationMethod: 'PATCH',
  deleteAuthenticationMethod: 'DELETE',
  createConnectedAccountRequest: 'POST',
  deleteConnectedAccount: 'DELETE',
};
const route = (operationId: string) => ({ method: METHODS[operationId], operationId });
const input = (operationId: string, extra: Partial<StepUpInput> = {}): StepUpInput => ({
  route: route(operationId),
  mfa: { lastMfaAt: null },
  authTime: NOW - 10,
  hasConfirmedFactor: true,
  now: NOW,
  ...extra,
});
const MFA = { ok: false, challenge: { acr_values: MFA_ACR, max_age: 300 } };
const LOGIN = { ok: false, challenge: { max_age: 300 } };

describe('step-up policy (defaults)', () => {
  it('applies per-method and per-operation configuration', () => {
    const policy: StepUpPolicy = {
      ...DEFAULT_STEP_UP_POLICY,
      methods: ['DELETE'],
      operations: {
        getAuthenticationMethods: { required: true, maxAge: 60 },
        deleteConnectedAccount: { required: false },
      },
    };
    expect(resolveStepUpRequirement(route('getAuthenticationMethods'), policy)).toMatchObject({ maxAge: 60 });
    expect(resolveStepUpRequirement(route('deleteConnectedAccount'), policy)).toBeNull();
    expect(resolveStepUpRequirement(route('deleteAuthenticationMethod'), policy)).not.toBeNull();
    expect(resolveStepUpRequirement(route('createAuthenticationMethod'), policy)).toBeNull();
  });

  it('builds the policy from the configuration shape', () => {
    const policy = stepUpPolicyFromConfig({ acrValues: 'urn:gold', maxAgeSeconds: 120, methods: ['DELETE'] });
    expect(policy).toMatchObject({ acrValues: 'urn:gold', maxAge: 120, methods: ['DELETE'] });
    expect(policy.allowedAcrValues).toEqual(['urn:gold', MFA_ACR]);
    expect(resolveStepUpRequirement(route('createAuthenticationMethod'), policy)).toBeNull();
    expect(resolveStepUpRequirement(route('deleteAuthenticationMethod'), policy)).toMatchObject({
      acrValues: 'urn:gold',
      maxAge: 120,
    });
    expect(findStepUpPolicyProblems(policy)).toEqual([]);
  });

  it('reports every problem of a bad policy at once', () => {
    const bad = {
      ...DEFAULT_STEP_UP_POLICY,
      acrValues: 'a"b',
      maxAge: -1,
      operations: { x: { required: true, maxAge: 5.5, acrValues: '' } },
      allowedAcrValues: ['two values'],
    };
    expect(findStepUpPolicyProblems(bad)).toHaveLength(5);
    expect(findStepUpPolicyProblems(DEFAULT_STEP_UP_POLICY)).toEqual([]);
  });
});

describe('evaluateStepUp', () => {
  it.each<[string, string, Partial<StepUpInput>, object]>([
    ['a read needs nothing', 'getAuthenticationMethods', {}, { ok: true }],
    ['a read needs nothing, even without any login time', 'getFactors', { authTime: null }, { ok: true }],
    ['a write without MFA', 'deleteAuthenticationMethod', {}, MFA],
    [
      'a write with MFA 10 s ago',
      'deleteAuthenticationMethod',
      { mfa: { lastMfaAt: NOW - 10 } },
      { ok: true },
    ],
    [
      'a write with MFA exactly max_age ago',
      'updateAuthenticationMethod',
      { mfa: { lastMfaAt: NOW - 300 } },
      { ok: true },
    ],
    ['a write with MFA 301 s ago', 'updateAuthenticationMethod', { mfa: { lastMfaAt: NOW - 301 } }, MFA],
    [
      'a write with MFA far in the future (bogus clock)',
      'deleteConnectedAccount',
      { mfa: { lastMfaAt: NOW + 3600 } },
      MFA,
    ],
    [
      'a write with MFA slightly in the future (skew)',
      'deleteConnectedAccount',
      { mfa: { lastMfaAt: NOW + 30 } },
      { ok: true },
    ],
    ['a write with a NaN MFA time', 'deleteConnectedAccount', { mfa: { lastMfaAt: Number.NaN } }, MFA],
    ['connecting an account', 'createConnectedAccountRequest', {}, MFA],
    [
      'first factor: enrolling after a recent login',
      'createAuthenticationMethod',
      { hasConfirmedFactor: false },
      { ok: true },
    ],
    [
      'first factor: verifying after a recent login',
      'confirmAuthenticationMethod',
      { hasConfirmedFactor: false },
      { ok: true },
    ],
    [
      'first factor: enrolling after an old login',
      'createAuthenticationMethod',
      { hasConfirmedFactor: false, authTime: NOW - 301 },
      LOGIN,
    ],
    [
      'first factor: enrolling with no auth_time',
      'createAuthenticationMethod',
      { hasConfirmedFactor: false, authTime: null },
      LOGIN,
    ],
    [
      'first factor: deleting still needs MFA',
      'deleteAuthenticationMethod',
      { hasConfirmedFactor: false },
      MFA,
    ],
    [
      'first factor: renaming still needs MFA',
      'updateAuthenticationMethod',
      { hasConfirmedFactor: false },
      MFA,
    ],
    [
      'first factor: connecting accounts still needs MFA',
      'createConnectedAccountRequest',
      { hasConfirmedFactor: false },
      MFA,
    ],
    [
      'a user with a factor enrolling another needs MFA',
      'createAuthenticationMethod',
      { hasConfirmedFactor: true },
      MFA,
    ],
    [
      'unknown factor state counts as having one',
      'createAuthenticationMethod',
      { hasConfirmedFactor: undefined },
      MFA,
    ],
    [
      'a fresh MFA also covers a first-factor user',
      'createAuthenticationMethod',
      { hasConfirmedFactor: false, authTime: null, mfa: { lastMfaAt: NOW } },
      { ok: true },
    ],
  ])('%s', (_name, operationId, extra, expected) => {
    expect(evaluateStepUp(input(operationId, extra))).toEqual(expected);
  });

  it('uses the operation override of max_age and acr_values', () => {
    const policy: StepUpPolicy = {
      ...DEFAULT_STEP_UP_POLICY,
      operations: { deleteAuthenticationMethod: { required: true, maxAge: 60, acrValues: 'gold silver' } },
    };
    expect(
      evaluateStepUp(input('deleteAuthenticationMethod', { policy, mfa: { lastMfaAt: NOW - 61 } })),
    ).toEqual({
      ok: false,
      challenge: { acr_values: 'gold silver', max_age: 60 },
    });
  });

  it('covers BFF routes by operation name, e.g. revoking a session', () => {
    expect(
      evaluateStepUp({ ...input('getFactors'), route: { method: 'DELETE', operationId: 'revokeSession' } }),
    ).toEqual(MFA);
  });

  it.each([
    [NOW, 0, true],
    [NOW - 1, 0, false],
    [null, 300, false],
    [Number.POSITIVE_INFINITY, 300, false],
    [NOW + 60, 300, true],
    [NOW + 61, 300, false],
  ])('isFresh(%s, now, %s) = %s', (at, maxAge, expected) => {
    expect(isFresh(at, NOW, maxAge)).toBe(expected);
  });
});

describe('decideStepUp over a session record', () => {
  const revoke = { method: 'DELETE', operationId: 'revokeSession' };

  it('reads the MFA and login times from the session; the first-factor fact stays unknown', () => {
    expect(stepUpFactsOf({ mfa: { lastMfaAt: NOW - 5 }, authTime: NOW - 9 })).toEqual({
      lastMfaAt: NOW - 5,
      authTime: NOW - 9,
      hasConfirmedFactor: undefined,
    });
    expect(stepUpFactsOf({})).toEqual({ lastMfaAt: null, authTime: null, hasConfirmedFactor: undefined });
  });

  it('is evaluateStepUp under the given policy', () => {
    const stale = stepUpFactsOf({ mfa: { lastMfaAt: NOW - 301 }, authTime: NOW - 301 });
    expect(decideStepUp(revoke, stale, DEFAULT_STEP_UP_POLICY, NOW)).toEqual(MFA);
    const fresh = stepUpFactsOf({ mfa: { lastMfaAt: NOW - 299 }, authTime: NOW - 299 });
    expect(decideStepUp(revoke, fresh, DEFAULT_STEP_UP_POLICY, NOW)).toEqual({ ok: true });
    const relaxed = { ...DEFAULT_STEP_UP_POLICY, operations: { revokeSession: { required: false } } };
    expect(decideStepUp(revoke, stale, relaxed, NOW)).toEqual({ ok: true });
  });
});
