/**
 * The tenant's user records, as kept in Redis. One JSON document per user (`<prefix>account:<user_id>`),
 * plus an email index. Secrets (password hash, TOTP secret, recovery-code hash, passkey public key) live
 * here because the tenant is the authorization server; none of this is ever served as-is: the My Account
 * API renders its own view of each method.
 */

/** Auth0's `FactorTypeEnum` (My Account OAS). */
export const FACTOR_TYPES = [
  'password',
  'passkey',
  'webauthn-platform',
  'webauthn-roaming',
  'totp',
  'phone',
  'email',
  'push-notification',
  'recovery-code',
] as const;
export type FactorType = (typeof FACTOR_TYPES)[number];

/** Fields every stored method has. `confirmed` is false while an enrollment is pending (started, not verified). */
export interface StoredMethodBase {
  /** Auth0-style id: `<type>|dev_<16 chars>` (`password|<base64url user id>` for the password). */
  id: string;
  created_at: string;
  confirmed: boolean;
  name?: string;
  last_auth_at?: string;
}

export interface StoredTotp extends StoredMethodBase {
  type: 'totp';
  /** Base32 secret. */
  secret: string;
}
export interface StoredEmail extends StoredMethodBase {
  type: 'email';
  email: string;
}
export interface StoredPhone extends StoredMethodBase {
  type: 'phone';
  phone_number: string;
  preferred_authentication_method: 'sms' | 'voice';
}
export interface StoredRecoveryCode extends StoredMethodBase {
  type: 'recovery-code';
  /** scrypt hash of the code (see `hashSecret`); the code itself is shown once at enrollment. */
  code_hash: string;
}
export interface StoredPushNotification extends StoredMethodBase {
  type: 'push-notification';
}
export interface StoredPasskey extends StoredMethodBase {
  type: 'passkey' | 'webauthn-platform' | 'webauthn-roaming';
  /** Credential id, base64url (Auth0's `key_id`). */
  key_id: string;
  /** COSE public key, base64url (Auth0's `public_key`). */
  public_key: string;
  counter: number;
  transports?: string[];
  /** base64url of the WebAuthn user handle. */
  user_handle: string;
  credential_device_type: 'single_device' | 'multi_device';
  credential_backed_up: boolean;
  aaguid?: string;
  user_agent?: string;
  relying_party_id: string;
}

export type StoredMethod =
  StoredTotp | StoredEmail | StoredPhone | StoredRecoveryCode | StoredPushNotification | StoredPasskey;

export interface StoredPassword {
  /** scrypt hash (see `hashSecret`). */
  hash: string;
  changed_at: string;
  /** Previous hashes, newest first, for the password-history policy. */
  history: string[];
}

export interface StoredConnectedAccount {
  /** `cac_<alphanumeric>` */
  id: string;
  connection: string;
  access_type: 'offline';
  scopes: string[];
  created_at: string;
  expires_at?: string;
}

/** When the login asks for a second factor. */
export type MfaMode = 'always' | 'on-request';

export interface Account {
  /** `auth0|<id>` */
  user_id: string;
  email: string;
  email_verified: boolean;
  name: string;
  picture?: string;
  /** Profile fields a signup may set (`/dbconnections/signup`, `/passkey/register`). */
  given_name?: string;
  family_name?: string;
  nickname?: string;
  /** Auth0's `user_metadata`: string values the user may edit, set at signup. */
  user_metadata?: Record<string, string>;
  /** The database connection the user lives in. */
  connection: string;
  password?: StoredPassword;
  mfa: MfaMode;
  /** RBAC permissions on the My Account API (used when RBAC is on for it). */
  permissions: string[];
  methods: StoredMethod[];
  connected_accounts: StoredConnectedAccount[];
  created_at: string;
}

/** True for the methods that count as a second factor for MFA (confirmed, not a primary credential). */
export function isConfirmedMfaFactor(method: StoredMethod): boolean {
  return method.confirmed && method.type !== 'passkey';
}
