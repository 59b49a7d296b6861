import type { Account, StoredMethod } from '../accounts/account.types.js';

/**
 * How the MFA API shows a user's second factors (`GET /mfa/authenticators`): TOTP apps as `otp`, codes
 * sent by email, SMS or voice and push as `oob` with their `oob_channel`, the recovery code as
 * `recovery-code`; `active` is false while an enrollment waits for its first code. Passkeys and the
 * password are first factors and not listed. The ids are the methods' own (`totp|dev_...`), the same ones
 * the My Account API uses.
 */
export interface MfaAuthenticator {
  id: string;
  authenticator_type: 'otp' | 'oob' | 'recovery-code';
  active: boolean;
  oob_channel?: 'sms' | 'voice' | 'email' | 'auth0';
  name?: string;
}

export function toMfaAuthenticator(method: StoredMethod): MfaAuthenticator | undefined {
  const base = { id: method.id, active: method.confirmed };
  switch (method.type) {
    case 'totp':
      return { ...base, authenticator_type: 'otp', ...(method.name ? { name: method.name } : {}) };
    case 'email':
      return { ...base, authenticator_type: 'oob', oob_channel: 'email', name: method.email };
    case 'phone':
      return {
        ...base,
        authenticator_type: 'oob',
        oob_channel: method.preferred_authentication_method,
        name: method.phone_number,
      };
    case 'push-notification':
      return {
        ...base,
        authenticator_type: 'oob',
        oob_channel: 'auth0',
        ...(method.name ? { name: method.name } : {}),
      };
    case 'recovery-code':
      return { ...base, authenticator_type: 'recovery-code' };
    default:
      return undefined;
  }
}

export function listMfaAuthenticators(account: Account): MfaAuthenticator[] {
  return account.methods.map(toMfaAuthenticator).filter((a): a is MfaAuthenticator => a !== undefined);
}

/** The challenge types (`otp`, `oob`) that can prove a method. */
export function challengeTypeOf(method: StoredMethod): 'otp' | 'oob' | undefined {
  if (method.type === 'totp') return 'otp';
  if (method.type === 'email' || method.type === 'phone' || method.type === 'push-notification') return 'oob';
  return undefined;
}

/**
 * `mfa_requirements` of the `mfa_required` answer: the factor types the user can be challenged with, or
 * `enroll: [{type: "otp"}]` when there is none yet (an authenticator app is enrolled through
 * `/mfa/associate`).
 */
export function mfaRequirements(account: Account): Record<string, Array<{ type: string }>> {
  const types = new Set<string>();
  for (const method of account.methods) {
    if (!method.confirmed) continue;
    if (method.type === 'totp') types.add('otp');
    if (method.type === 'email') types.add('email');
    if (method.type === 'phone') types.add('phone');
    if (method.type === 'push-notification') types.add('push-notification');
  }
  return types.size ? { challenge: [...types].map((type) => ({ type })) } : { enroll: [{ type: 'otp' }] };
}
