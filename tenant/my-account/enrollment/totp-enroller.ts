import { newMethodIdSuffix } from '../../accounts/account-store.js';
import type { StoredTotp } from '../../accounts/account.types.js';
import { buildTotp, newTotpSecret } from '../../accounts/login-factors.js';
import { TotpReplayGuard } from '../../accounts/totp-replay.js';
import { forbidden } from '../http/api-error.js';
import { confirmPending, ProofRejected, type Enroller } from './enroller.js';

/**
 * An authenticator app: the secret and its `otpauth://` URI at the start; the first code confirms it. Each
 * code is accepted once (RFC 6238 §5.2, `TotpReplayGuard`), so a code seen during enrollment cannot be
 * replayed at the login's MFA step.
 */
export const totpEnroller: Enroller = {
  type: 'totp',
  async start({ ctx, account }) {
    const secret = newTotpSecret();
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
  async verify({ ctx, account }, session, body) {
    const method = account.methods.find((m) => m.id === session.method_id);
    if (!method || method.type !== 'totp')
      throw forbidden('invalid_auth_session', 'The enrollment was removed before it was verified');
    const code = typeof body.otp_code === 'string' ? body.otp_code : '';
    if (
      !(await new TotpReplayGuard(ctx.redis, ctx.prefix, ctx.config.tenant.totp_replays).accept(
        method.secret,
        code,
      ))
    )
      throw new ProofRejected('The one-time code is not valid');
    return confirmPending(session.method_id);
  },
};
