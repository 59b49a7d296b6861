import { Secret, TOTP } from 'otpauth';
import { newMethodIdSuffix } from '../../accounts/account-store.js';
import type { StoredTotp } from '../../accounts/account.types.js';
import { forbidden } from '../http/api-error.js';
import { confirmPending, ProofRejected, type Enroller } from './enroller.js';

/** RFC 6238 with the usual authenticator-app parameters (SHA-1, 6 digits, 30 s). */
export function buildTotp(secret: string, issuer: string, label: string): TOTP {
  return new TOTP({
    issuer,
    label,
    secret: Secret.fromBase32(secret),
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
  });
}

/** Accepts the current code and one step either side (clock drift). */
export function isValidTotp(secret: string, code: unknown): boolean {
  if (typeof code !== 'string' || !/^\d{6}$/.test(code.trim())) return false;
  return buildTotp(secret, 'x', 'x').validate({ token: code.trim(), window: 1 }) !== null;
}

export const totpEnroller: Enroller = {
  type: 'totp',
  async start({ ctx, account }) {
    const secret = new Secret({ size: 20 }).base32;
    const id = `totp|${newMethodIdSuffix()}`;
    const pending: StoredTotp = {
      id,
      type: 'totp',
      secret,
      confirmed: false,
      created_at: new Date().toISOString(),
    };
    const totp = buildTotp(secret, ctx.config.tenant.friendly_name, account.email);
    return {
      methodId: id,
      pending,
      data: {},
      response: { id, barcode_uri: totp.toString(), manual_input_code: secret },
    };
  },
  async verify({ account }, session, body) {
    const method = account.methods.find((m) => m.id === session.method_id);
    if (!method || method.type !== 'totp')
      throw forbidden('invalid_auth_session', 'The enrollment was removed before it was verified');
    if (!isValidTotp(method.secret, body.otp_code)) throw new ProofRejected('The one-time code is not valid');
    return confirmPending(session.method_id);
  },
};
