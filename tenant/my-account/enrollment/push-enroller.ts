import { randomBytes } from 'node:crypto';
import { newMethodIdSuffix } from '../../accounts/account-store.js';
import type { StoredPushNotification } from '../../accounts/account.types.js';
import { forbidden } from '../http/api-error.js';
import { confirmPending, type Enroller } from './enroller.js';

/**
 * Push notification (Guardian). There is no phone here: the "app" approves through the development
 * endpoint `POST /__dev/push/approve {auth_session}`; verify succeeds only after that approval.
 */
export const pushEnroller: Enroller = {
  type: 'push-notification',
  async start({ ctx, account, issuer }) {
    const id = `push-notification|${newMethodIdSuffix()}`;
    const pending: StoredPushNotification = {
      id,
      type: 'push-notification',
      confirmed: false,
      created_at: new Date().toISOString(),
    };
    const label = encodeURIComponent(`${ctx.config.tenant.friendly_name}:${account.email}`);
    const query = new URLSearchParams({
      enrollment_tx_id: randomBytes(12).toString('base64url'),
      issuer: ctx.config.tenant.friendly_name,
      base_url: issuer,
    });
    return {
      methodId: id,
      pending,
      data: {},
      response: { id, barcode_uri: `otpauth://totp/${label}?${query}` },
    };
  },
  async verify(_ec, session) {
    if (!session.approved) {
      throw forbidden(
        'enrollment_pending',
        'The enrollment has not been approved in the authenticator app yet',
      );
    }
    return confirmPending(session.method_id);
  },
};
