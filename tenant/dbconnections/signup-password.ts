import type { Account } from '../accounts/account.types.js';
import {
  complexityProblems,
  PASSWORD_POLICY,
  profileProblems,
} from '../my-account/enrollment/password-policy.js';
import { DbConnectionsError } from './dbconnections-errors.js';

/**
 * The password policy at signup (the same policy as the My Account API's, docs/tenant.md): a password
 * too weak is Auth0's `PasswordStrengthError` (`invalid_password`, the failed rules under
 * `description.rules`, the policy as text); one containing the user's name or email is
 * `PasswordNoUserInfoError` (`password_no_user_info_error`).
 */

const POLICY_TEXT = [
  `* At least ${PASSWORD_POLICY.complexity.min_length} characters in length`,
  '* Contain at least 3 of the following 4 types of characters:',
  ' * lower case letters (a-z)',
  ' * upper case letters (A-Z)',
  ' * numbers (i.e. 0-9)',
  ' * special characters (e.g. !@#$%^&*)',
  '* No more than 2 identical characters in a row',
  '* No sequential characters such as "abc" or "123"',
].join('\n');

export function assertSignupPassword(password: string, account: Account): void {
  const weak = complexityProblems(password);
  if (weak.length > 0)
    throw new DbConnectionsError(400, 'PasswordStrengthError', 'invalid_password', 'Password is too weak', {
      message: 'Password is too weak',
      description: { rules: weak.map((message) => ({ message, verified: false })), verified: false },
      policy: POLICY_TEXT,
    });
  if (PASSWORD_POLICY.profile_data.active && profileProblems(password, account).length > 0)
    throw new DbConnectionsError(
      400,
      'PasswordNoUserInfoError',
      'password_no_user_info_error',
      'Password contains user information',
      { message: 'Password contains user information' },
    );
}
