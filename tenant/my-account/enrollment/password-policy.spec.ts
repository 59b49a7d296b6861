import type { Account } from '../../accounts/account.types.js';
import { hashSecret } from '../../accounts/secret-hash.js';
import { passwordPolicyProblems, PASSWORD_POLICY } from './password-policy.js';

const account = (over: Partial<Account> = {}): Account => ({
  user_id: 'auth0|abc',
  email: 'jane.doe@example.com',
  email_verified: true,
  name: 'Jane Doe',
  connection: 'Username-Password-Authentication',
  mfa: 'on-request',
  permissions: [],
  methods: [],
  connected_accounts: [],
  created_at: new Date().toISOString(),
  ...over,
});

describe('password policy', () => {
  it.each([
    ['Tr0ub4dor-Wz', []],
    ['correct horse battery staple 9X', []],
    ['Aa1-', ['must be at least 8 characters long']],
    ['lowercaseonly', ['must contain at least 3 of: lowercase, uppercase, numbers, special characters']],
    ['Baaad-passw0rd', ['must not contain more than 2 identical characters in a row']],
    ['Xyz-fine-Q9', ['must not contain sequential characters such as "abc" or "123"']],
    ['Pw-987-Zq!', ['must not contain sequential characters such as "abc" or "123"']],
    ['Hello-jane.doe-7', ['must not contain your name or email address']],
    ['Z'.repeat(2) + 'x1-'.repeat(30), ['must not be longer than 72 bytes']],
  ])('%s', async (password, expected) => {
    expect(await passwordPolicyProblems(password, account())).toEqual(expected);
  });

  it('refuses the current password and the last ones (history), accepts older ones', async () => {
    const hashes = await Promise.all(
      ['Old-pass-0', 'Old-pass-1', 'Old-pass-2', 'Old-pass-3', 'Old-pass-4', 'Old-pass-5'].map(hashSecret),
    );
    const user = account({ password: { hash: hashes[0], changed_at: '', history: hashes.slice(1) } });
    expect(await passwordPolicyProblems('Old-pass-0', user)).toEqual([
      'must not be one of your last 5 passwords',
    ]);
    expect(await passwordPolicyProblems('Old-pass-4', user)).toEqual([
      'must not be one of your last 5 passwords',
    ]);
    expect(await passwordPolicyProblems('Old-pass-5', user)).toEqual([]);
  });

  it('declares every member the OAS requires', () => {
    expect(Object.keys(PASSWORD_POLICY).sort()).toEqual([
      'complexity',
      'dictionary',
      'history',
      'profile_data',
    ]);
  });
});
