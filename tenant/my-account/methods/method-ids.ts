import { FACTOR_TYPES, type FactorType } from '../../accounts/account.types.js';

/** Ids of enrollments that have no final id before they are verified (OAS examples `passkey|new`, `password|new`). */
export const PENDING_PASSKEY_ID = 'passkey|new';
export const PENDING_PASSWORD_ID = 'password|new';

/** The password's method id: `password|<base64url(user_id)>` (OAS example `password|dXNlci0xMjM`). */
export function passwordMethodId(userId: string): string {
  return `password|${Buffer.from(userId).toString('base64url')}`;
}

/** The factor type an id names by its prefix (`totp|dev_...` → `totp`), if any. */
export function typeOfMethodId(id: string): FactorType | undefined {
  const prefix = id.split('|')[0];
  return (FACTOR_TYPES as readonly string[]).includes(prefix) ? (prefix as FactorType) : undefined;
}

/** Absolute URL of a method: `|` is sent as `%7C`, as in the OAS `Location` examples. */
export function methodLocation(issuer: string, id: string): string {
  return `${issuer}me/v1/authentication-methods/${encodeURIComponent(id)}`;
}
