import type { Account } from '../accounts/account.types.js';
import { hashSecret } from '../accounts/secret-hash.js';
import { newAccount, readSignupProfile } from '../accounts/signup-profile.js';
import type { TenantContext } from '../tenant-context.js';
import { invalidSignup, signupDisabled, userExists } from './dbconnections-errors.js';
import { assertSignupPassword } from './signup-password.js';

/**
 * `POST /dbconnections/signup` (Auth0's "Sign Up User"): a new user on the database connection from
 * `email`, `password`, `connection` and the optional profile (`given_name`, `family_name`, `name`,
 * `nickname`, `picture`, `user_metadata`), checked by `readSignupProfile`. The password must pass the
 * tenant's policy. The answer is the new user as Auth0 gives it: `_id` (the id without `auth0|`),
 * `email`, `email_verified: false` and the profile fields stored. The user then logs in like any other
 * (password-realm grant, login page).
 */

/** The user's answer fields: Auth0 echoes the profile it stored. */
function signupAnswer(account: Account): Record<string, unknown> {
  const { given_name, family_name, nickname, picture, user_metadata } = account;
  return Object.fromEntries(
    Object.entries({
      _id: account.user_id.slice('auth0|'.length),
      email: account.email,
      email_verified: account.email_verified,
      name: account.name,
      given_name,
      family_name,
      nickname,
      picture,
      user_metadata,
    }).filter(([, v]) => v !== undefined),
  );
}

/** The connection a signup names must be the tenant's database connection. */
export function assertDatabaseConnection(
  tenant: TenantContext,
  connection: unknown,
  fail: (description: string) => Error,
): void {
  if (typeof connection !== 'string' || connection === '')
    throw fail('Missing required parameter: connection');
  if (connection !== tenant.config.tenant.database_connection)
    throw fail(`Unknown database connection: ${connection.slice(0, 100)}`);
}

export async function signUp(
  tenant: TenantContext,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  assertDatabaseConnection(tenant, params.connection, invalidSignup);
  if (tenant.config.tenant.disable_signups) throw signupDisabled();
  const profile = readSignupProfile(params, params.user_metadata, invalidSignup);
  const password = params.password;
  if (typeof password !== 'string' || password === '')
    throw invalidSignup('Missing required parameter: password');
  if (params.username !== undefined)
    throw invalidSignup('This connection does not use usernames: sign up with an email');
  const account = newAccount(profile, tenant.config.tenant.database_connection);
  assertSignupPassword(password, account);
  if (await tenant.accounts.findByEmail(account.email)) throw userExists();
  account.password = { hash: await hashSecret(password), changed_at: account.created_at, history: [] };
  if (!(await tenant.accounts.createWithNewEmail(account))) throw userExists();
  return signupAnswer(account);
}
