import { randomInt } from 'node:crypto';
import { newMethodIdSuffix } from '../../accounts/account-store.js';
import type { StoredRecoveryCode } from '../../accounts/account.types.js';
import { hashSecret } from '../../accounts/secret-hash.js';
import { forbidden } from '../http/api-error.js';
import type { Enroller } from './enroller.js';

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** 24 characters, as Auth0's recovery codes (OAS example `ABCDEFGHIJKLMNOPQRSTUVWX`). */
export function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 24; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * The code is shown once in the 202 and only its hash is kept. Verifying needs just the auth_session
 * (the client showed the code); the new code replaces any earlier one (one recovery code per user).
 */
export const recoveryCodeEnroller: Enroller = {
  type: 'recovery-code',
  async start() {
    const code = newRecoveryCode();
    const id = `recovery-code|${newMethodIdSuffix()}`;
    const pending: StoredRecoveryCode = {
      id,
      type: 'recovery-code',
      code_hash: await hashSecret(code),
      confirmed: false,
      created_at: new Date().toISOString(),
    };
    return { methodId: id, pending, data: {}, response: { id, recovery_code: code } };
  },
  async verify(_ec, session) {
    return (account) => {
      const method = account.methods.find((m) => m.id === session.method_id);
      if (!method)
        throw forbidden('invalid_auth_session', 'The enrollment was removed before it was verified');
      method.confirmed = true;
      account.methods = account.methods.filter((m) => m.type !== 'recovery-code' || m.id === method.id);
      return method.id;
    };
  },
};
