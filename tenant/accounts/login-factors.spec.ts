import { Secret, TOTP } from 'otpauth';
import type { Account, StoredMethod } from './account.types.js';
import {
  hasMfaFactor,
  hashLoginCode,
  isMfaRequired,
  isValidTotp,
  loginCodeMatches,
  maskDestination,
  matchRecoveryCode,
  MFA_ACR,
} from './login-factors.js';
import { hashSecret } from './secret-hash.js';
import { confirmedTotps } from './totp-replay.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const codeAt = (offsetSteps: number) =>
  new TOTP({ secret: Secret.fromBase32(SECRET), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offsetSteps * 30_000,
  });

function account(methods: StoredMethod[], mfa: Account['mfa'] = 'on-request'): Account {
  return {
    user_id: 'auth0|x',
    email: 'x@example.com',
    email_verified: true,
    name: 'X',
    connection: 'Username-Password-Authentication',
    mfa,
    permissions: [],
    methods,
    connected_accounts: [],
    created_at: new Date().toISOString(),
  };
}
const base = { created_at: '2026-01-01T00:00:00.000Z', confirmed: true };

describe('login factors', () => {
  it.each([
    ['the current code', codeAt(0), true],
    ['the previous step', codeAt(-1), true],
    ['the next step', codeAt(1), true],
    ['three steps old', codeAt(-3), false],
    ['not digits', 'abcdef', false],
    ['too short', '12345', false],
    ['empty', '', false],
  ])('TOTP: %s → %s', (_label, code, expected) => {
    if (_label === 'three steps old' && [codeAt(-1), codeAt(0), codeAt(1)].includes(code)) return; // a rare collision
    expect(isValidTotp(SECRET, code)).toBe(expected);
  });

  it('matches only confirmed TOTP methods', () => {
    const pending = account([{ ...base, id: 'totp|a', type: 'totp', secret: SECRET, confirmed: false }]);
    expect(confirmedTotps(pending)).toEqual([]);
    expect(hasMfaFactor(pending)).toBe(false);
    const confirmed = account([{ ...base, id: 'totp|b', type: 'totp', secret: SECRET }]);
    expect(confirmedTotps(confirmed).map((m) => m.id)).toEqual(['totp|b']);
  });

  it('does not count a passkey as a second factor', () => {
    const passkeyOnly = account([
      {
        ...base,
        id: 'passkey|a',
        type: 'passkey',
        key_id: 'k',
        public_key: 'p',
        counter: 0,
        user_handle: 'u',
        credential_device_type: 'single_device',
        credential_backed_up: false,
        relying_party_id: 'localhost',
      },
    ]);
    expect(hasMfaFactor(passkeyOnly)).toBe(false);
  });

  it('verifies recovery codes against their hash (trimmed), never a short guess', async () => {
    const a = account([
      {
        ...base,
        id: 'recovery-code|a',
        type: 'recovery-code',
        code_hash: await hashSecret('ABCD2345EFGH6789'),
      },
    ]);
    expect((await matchRecoveryCode(a, ' ABCD2345EFGH6789 '))?.id).toBe('recovery-code|a');
    expect(await matchRecoveryCode(a, 'ABCD2345EFGH6780')).toBeUndefined();
    expect(await matchRecoveryCode(a, 'ABCD')).toBeUndefined();
  });

  it('compares sent codes by hash', () => {
    const hash = hashLoginCode('123456');
    expect(hash).not.toContain('123456');
    expect(loginCodeMatches(' 123456 ', hash)).toBe(true);
    expect(loginCodeMatches('123457', hash)).toBe(false);
  });

  it.each([
    [undefined, 'on-request', false],
    ['', 'on-request', false],
    ['urn:other', 'on-request', false],
    [`urn:other ${MFA_ACR}`, 'on-request', true],
    [undefined, 'always', true],
  ] as const)('MFA required for acr_values %p and mfa %p → %p', (acr, mode, expected) => {
    expect(isMfaRequired(account([], mode), acr)).toBe(expected);
  });

  it('masks destinations', () => {
    expect(maskDestination({ ...base, id: 'email|a', type: 'email', email: 'demo@example.com' })).toBe(
      'd***@example.com',
    );
    expect(
      maskDestination({
        ...base,
        id: 'phone|a',
        type: 'phone',
        phone_number: '+15551234567',
        preferred_authentication_method: 'sms',
      }),
    ).toBe('+1******4567');
  });
});
