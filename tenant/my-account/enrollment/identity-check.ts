import type { Account } from '../../accounts/account.types.js';
import { invalidField } from '../http/api-error.js';

/**
 * Password and passkey enrollment may name the identity (`connection`, `identity_user_id`,
 * OAS `IdentityAuthenticationMethodBase`); here every user has exactly one database identity.
 */
export function assertOwnIdentity(account: Account, body: Record<string, unknown>): void {
  if (body.connection !== undefined && body.connection !== account.connection) {
    throw invalidField(
      'connection',
      `connection must be the user's database connection (${account.connection})`,
    );
  }
  const bareId = account.user_id.replace(/^[^|]+\|/, '');
  if (
    body.identity_user_id !== undefined &&
    body.identity_user_id !== account.user_id &&
    body.identity_user_id !== bareId
  ) {
    throw invalidField('identity_user_id', 'identity_user_id does not name an identity of this user');
  }
}
