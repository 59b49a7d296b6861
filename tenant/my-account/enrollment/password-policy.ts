import type { Account } from '../../accounts/account.types.js';
import { verifySecret } from '../../accounts/secret-hash.js';

/** The tenant's password policy, in the OAS `PasswordAuthenticationMethodPolicy` shape. */
export const PASSWORD_POLICY = {
  complexity: {
    min_length: 8,
    character_types: ['uppercase', 'lowercase', 'number', 'special'],
    character_type_rule: 'three_of_four',
    identical_characters: 'block',
    sequential_characters: 'block',
    max_length_exceeded: 'error',
  },
  profile_data: { active: true, blocked_fields: ['name', 'email'] },
  history: { active: true, size: 5 },
  // No word list ships with the tenant, so the dictionary check is declared off rather than pretended.
  dictionary: { active: false, default: 'en_10k' },
} as const;

/** Auth0 (bcrypt) takes at most 72 bytes of a password. */
export const MAX_PASSWORD_BYTES = 72;

const CHARACTER_TESTS: Record<string, RegExp> = {
  uppercase: /\p{Lu}/u,
  lowercase: /\p{Ll}/u,
  number: /\p{Nd}/u,
  special: /[^\p{L}\p{Nd}\s]/u,
};

/** Three or more consecutive characters that step by +1 or -1 ("abc", "321"). */
function hasSequence(password: string): boolean {
  const chars = [...password.toLowerCase()].map((c) => c.codePointAt(0)!);
  for (let i = 2; i < chars.length; i++) {
    const a = chars[i - 1] - chars[i - 2];
    const b = chars[i] - chars[i - 1];
    const alnum = /[a-z0-9]/.test(String.fromCodePoint(chars[i]));
    if (alnum && a === b && Math.abs(a) === 1) return true;
  }
  return false;
}

export function complexityProblems(password: string): string[] {
  const c = PASSWORD_POLICY.complexity;
  const problems: string[] = [];
  if ([...password].length < c.min_length) problems.push(`must be at least ${c.min_length} characters long`);
  if (Buffer.byteLength(password) > MAX_PASSWORD_BYTES)
    problems.push(`must not be longer than ${MAX_PASSWORD_BYTES} bytes`);
  const present = c.character_types.filter((t) => CHARACTER_TESTS[t].test(password)).length;
  const needed = c.character_type_rule === 'three_of_four' ? 3 : c.character_types.length;
  if (present < needed)
    problems.push(`must contain at least ${needed} of: lowercase, uppercase, numbers, special characters`);
  if (/(.)\1\1/u.test(password)) problems.push('must not contain more than 2 identical characters in a row');
  if (hasSequence(password)) problems.push('must not contain sequential characters such as "abc" or "123"');
  return problems;
}

export function profileProblems(password: string, account: Account): string[] {
  const lower = password.toLowerCase();
  const values = [account.name, account.email, account.email.split('@')[0]].filter((v) => v && v.length >= 3);
  return values.some((v) => lower.includes(v.toLowerCase()))
    ? ['must not contain your name or email address']
    : [];
}

async function historyProblems(password: string, account: Account): Promise<string[]> {
  if (!account.password) return [];
  const previous = [account.password.hash, ...account.password.history].slice(
    0,
    PASSWORD_POLICY.history.size,
  );
  for (const hash of previous) {
    if (await verifySecret(password, hash))
      return [`must not be one of your last ${PASSWORD_POLICY.history.size} passwords`];
  }
  return [];
}

/** Sets a new password hash, keeping the previous ones for the history rule. */
export function replacePassword(account: Account, hash: string): void {
  const history = account.password ? [account.password.hash, ...account.password.history] : [];
  account.password = {
    hash,
    changed_at: new Date().toISOString(),
    history: history.slice(0, PASSWORD_POLICY.history.size),
  };
}

/** Every way the password breaks the policy (empty when it is acceptable). */
export async function passwordPolicyProblems(password: string, account: Account): Promise<string[]> {
  const problems = complexityProblems(password);
  if (PASSWORD_POLICY.profile_data.active) problems.push(...profileProblems(password, account));
  if (PASSWORD_POLICY.history.active && problems.length === 0)
    problems.push(...(await historyProblems(password, account)));
  return problems;
}
