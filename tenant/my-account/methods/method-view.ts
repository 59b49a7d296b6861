import type { Account, StoredMethod, StoredPasskey } from '../../accounts/account.types.js';
import { passwordMethodId } from './method-ids.js';

/** An enrollment that was started but not verified is shown (`confirmed: false`) only while its auth_session lives. */
export const PENDING_TTL_SECONDS = 300;

export type MethodView = Record<string, unknown>;

export function isStalePending(method: StoredMethod, now = Date.now()): boolean {
  return !method.confirmed && now - Date.parse(method.created_at) > PENDING_TTL_SECONDS * 1000;
}

function optional(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function passkeyView(account: Account, m: StoredPasskey): MethodView {
  const common = {
    id: m.id,
    type: m.type,
    created_at: m.created_at,
    key_id: m.key_id,
    public_key: m.public_key,
  };
  if (m.type !== 'passkey') {
    return optional({
      ...common,
      confirmed: m.confirmed,
      usage: ['secondary'],
      name: m.name,
      last_auth_at: m.last_auth_at,
    });
  }
  return optional({
    ...common,
    usage: ['primary'],
    name: m.name,
    identity_user_id: account.user_id,
    credential_device_type: m.credential_device_type,
    credential_backed_up: m.credential_backed_up,
    user_handle: m.user_handle,
    transports: m.transports,
    user_agent: m.user_agent,
    aaguid: m.aaguid,
    relying_party_id: m.relying_party_id,
    last_auth_at: m.last_auth_at,
  });
}

/** The OAS `AuthenticationMethod` view of a stored method (never a secret, hash or code). */
export function methodView(account: Account, m: StoredMethod): MethodView {
  if (m.type === 'passkey' || m.type === 'webauthn-platform' || m.type === 'webauthn-roaming')
    return passkeyView(account, m);
  const base = {
    id: m.id,
    type: m.type,
    confirmed: m.confirmed,
    usage: ['secondary'],
    created_at: m.created_at,
    last_auth_at: m.last_auth_at,
  };
  switch (m.type) {
    case 'email':
      return optional({ ...base, name: m.name, email: m.email });
    case 'phone':
      return optional({
        ...base,
        name: m.name,
        phone_number: m.phone_number,
        preferred_authentication_method: m.preferred_authentication_method,
      });
    case 'recovery-code':
      return optional(base);
    default:
      return optional({ ...base, name: m.name });
  }
}

/** The password as an authentication method (`AuthenticationMethodPassword`), when the user has one. */
export function passwordView(account: Account): MethodView | undefined {
  if (!account.password) return undefined;
  return {
    id: passwordMethodId(account.user_id),
    type: 'password',
    identity_user_id: account.user_id,
    usage: ['primary'],
    created_at: account.created_at,
    last_password_reset: account.password.changed_at,
  };
}

/** Every method of the account, password first, without stale pending enrollments. */
export function listMethodViews(account: Account): MethodView[] {
  const password = passwordView(account);
  const methods = account.methods.filter((m) => !isStalePending(m)).map((m) => methodView(account, m));
  return password ? [password, ...methods] : methods;
}
