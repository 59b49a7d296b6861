import { randomBytes } from 'node:crypto';
import type { Account } from './account.types.js';

/**
 * What a signup (`/dbconnections/signup`, `/passkey/register`) may say about the new user, checked as
 * Auth0 checks it: a valid email (stored lower-cased, unverified), short string profile fields, an
 * http(s) `picture`, and `user_metadata` of at most 10 string fields (names up to 100 characters without
 * dots, values up to 500). Each endpoint renders a problem in its own error shape (`fail`).
 */
export interface SignupProfile {
  email: string;
  name?: string;
  given_name?: string;
  family_name?: string;
  nickname?: string;
  picture?: string;
  user_metadata?: Record<string, string>;
}

type Fail = (description: string) => Error;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_FIELD = 150;

function field(source: Record<string, unknown>, name: string, fail: Fail): string | undefined {
  const value = source[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw fail(`${name} must be a string`);
  if (value.length > MAX_FIELD) throw fail(`${name} must be at most ${MAX_FIELD} characters`);
  return value;
}

function picture(source: Record<string, unknown>, fail: Fail): string | undefined {
  const value = field(source, 'picture', fail);
  if (value !== undefined && !(URL.canParse(value) && /^https?:$/.test(new URL(value).protocol)))
    throw fail('picture must be an http(s) URL');
  return value;
}

function userMetadata(value: unknown, fail: Fail): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw fail('user_metadata must be an object');
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 10) throw fail('user_metadata may have at most 10 fields');
  for (const [key, item] of entries) {
    if (key.length === 0 || key.length > 100 || key.includes('.'))
      throw fail(`user_metadata field name not allowed: ${key.slice(0, 100)}`);
    if (typeof item !== 'string' || item.length > 500)
      throw fail(`user_metadata.${key} must be a string of at most 500 characters`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

/** The profile from `source` (the body, or `user_profile`) and the `user_metadata` beside it. */
export function readSignupProfile(
  source: Record<string, unknown>,
  metadata: unknown,
  fail: Fail,
): SignupProfile {
  const email = field(source, 'email', fail)?.trim().toLowerCase();
  if (!email) throw fail('Missing required parameter: email');
  if (!EMAIL.test(email)) throw fail('email is not a valid email address');
  const profile: SignupProfile = {
    email,
    name: field(source, 'name', fail),
    given_name: field(source, 'given_name', fail),
    family_name: field(source, 'family_name', fail),
    nickname: field(source, 'nickname', fail),
    picture: picture(source, fail),
    user_metadata: userMetadata(metadata, fail),
  };
  return Object.fromEntries(Object.entries(profile).filter(([, v]) => v !== undefined)) as SignupProfile;
}

/** A new user of the database connection: Auth0-style id, no credential yet, MFA on request. */
export function newAccount(profile: SignupProfile, connection: string): Account {
  return {
    user_id: `auth0|${randomBytes(12).toString('hex')}`,
    ...profile,
    name: profile.name ?? profile.email,
    email_verified: false,
    connection,
    mfa: 'on-request',
    permissions: [],
    methods: [],
    connected_accounts: [],
    created_at: new Date().toISOString(),
  };
}
