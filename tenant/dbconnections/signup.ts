import { randomBytes } from 'node:crypto';
import type { Account } from '../accounts/account.types.js';
import { hashSecret } from '../accounts/secret-hash.js';
import { optionalString } from '../http/auth-api.js';
import type { TenantContext } from '../tenant-context.js';
import { invalidSignup, signupDisabled, userExists } from './dbconnections-errors.js';
import { assertSignupPassword } from './signup-password.js';

/**
 * `POST /dbconnections/signup` (Auth0's "Sign Up User"): a new user on the database connection from
 * `email`, `password`, `connection` and the optional profile (`given_name`, `family_name`, `name`,
 * `nickname`, `picture`, `user_metadata`). The email is lower-cased and unverified; the password must
 * pass the tenant's policy. The answer is the new user as Auth0 gives it: `_id` (the id without
 * `auth0|`), `email`, `email_verified: false` and the profile fields sent. The user then logs in like any
 * other (password-realm grant, login page).
 */

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_FIELD = 150;

/** Auth0's limits on `user_metadata` at signup: string values, 10 fields, no dots in names. */
function userMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidSignup('user_metadata must be an object');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 10) throw invalidSignup('user_metadata may have at most 10 fields');
  for (const [key, field] of entries) {
    if (key.length === 0 || key.length > 100 || key.includes('.'))
      throw invalidSignup(`user_metadata field name not allowed: ${key.slice(0, 100)}`);
    if (typeof field !== 'string' || field.length > 500)
      throw invalidSignup(`user_metadata.${key} must be a string of at most 500 characters`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function profileField(params: Record<string, unknown>, name: string): string | undefined {
  let value: string | undefined;
  try {
    value = optionalString(params, name);
  } catch {
    throw invalidSignup(`${name} must be a string`);
  }
  if (value !== undefined && value.length > MAX_FIELD)
    throw invalidSignup(`${name} must be at most ${MAX_FIELD} characters`);
  return value;
}

function picture(params: Record<string, unknown>): string | undefined {
  const value = profileField(params, 'picture');
  if (value === undefined) return undefined;
  if (!URL.canParse(value) || !/^https?:$/.test(new URL(value).protocol))
    throw invalidSignup('picture must be an http(s) URL');
  return value;
}

function buildAccount(tenant: TenantContext, params: Record<string, unknown>, email: string): Account {
  const profile = {
    given_name: profileField(params, 'given_name'),
    family_name: profileField(params, 'family_name'),
    nickname: profileField(params, 'nickname'),
    picture: picture(params),
    user_metadata: userMetadata(params.user_metadata),
  };
  return {
    user_id: `auth0|${randomBytes(12).toString('hex')}`,
    email,
    email_verified: false,
    name: profileField(params, 'name') ?? email,
    ...Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)),
    connection: tenant.config.tenant.database_connection,
    mfa: 'on-request',
    permissions: [],
    methods: [],
    connected_accounts: [],
    created_at: new Date().toISOString(),
  };
}

/** The user's answer fields: Auth0 echoes the profile it stored. */
function signupAnswer(account: Account): Record<string, unknown> {
  const { given_name, family_name, nickname, picture: pic, user_metadata: metadata } = account;
  return Object.fromEntries(
    Object.entries({
      _id: account.user_id.slice('auth0|'.length),
      email: account.email,
      email_verified: account.email_verified,
      name: account.name,
      given_name,
      family_name,
      nickname,
      picture: pic,
      user_metadata: metadata,
    }).filter(([, v]) => v !== undefined),
  );
}

/** The connection a signup names must be the tenant's database connection. */
function assertDatabaseConnection(tenant: TenantContext, connection: unknown): void {
  if (typeof connection !== 'string' || connection === '')
    throw invalidSignup('Missing required parameter: connection');
  if (connection !== tenant.config.tenant.database_connection)
    throw invalidSignup(`Unknown database connection: ${connection.slice(0, 100)}`);
}

export async function signUp(
  tenant: TenantContext,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  assertDatabaseConnection(tenant, params.connection);
  if (tenant.config.tenant.disable_signups) throw signupDisabled();
  const email = profileField(params, 'email')?.trim().toLowerCase();
  if (!email) throw invalidSignup('Missing required parameter: email');
  if (!EMAIL.test(email)) throw invalidSignup('email is not a valid email address');
  const password = params.password;
  if (typeof password !== 'string' || password === '')
    throw invalidSignup('Missing required parameter: password');
  if (params.username !== undefined)
    throw invalidSignup('This connection does not use usernames: sign up with an email');
  const account = buildAccount(tenant, params, email);
  assertSignupPassword(password, account);
  if (await tenant.accounts.findByEmail(email)) throw userExists();
  account.password = { hash: await hashSecret(password), changed_at: account.created_at, history: [] };
  if (!(await tenant.accounts.createWithNewEmail(account))) throw userExists();
  return signupAnswer(account);
}
