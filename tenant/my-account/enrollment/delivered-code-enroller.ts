import { newMethodIdSuffix } from '../../accounts/account-store.js';
import type { StoredEmail, StoredPhone } from '../../accounts/account.types.js';
import { invalidField } from '../http/api-error.js';
import { confirmPending, ProofRejected, type Enroller } from './enroller.js';
import { codeMatches, hashCode, newOneTimeCode } from './one-time-code.js';

// The OAS only says "string"; a code cannot be delivered to something that is not an address.
const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,63}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

const verifyDelivered: Enroller['verify'] = async (_ec, session, body) => {
  if (!codeMatches(body.otp_code, session.data.code_hash))
    throw new ProofRejected('The one-time code is not valid');
  return confirmPending(session.method_id);
};

export const emailEnroller: Enroller = {
  type: 'email',
  async start({ ctx, account }, body) {
    const email = String(body.email).trim();
    if (email.length > 320 || !EMAIL.test(email))
      throw invalidField('email', 'email must be an email address');
    const id = `email|${newMethodIdSuffix()}`;
    const code = newOneTimeCode();
    await ctx.outbox.deliver({
      channel: 'email',
      to: email,
      user_id: account.user_id,
      purpose: 'enrollment',
      code,
    });
    const pending: StoredEmail = {
      id,
      type: 'email',
      email,
      confirmed: false,
      created_at: new Date().toISOString(),
    };
    return { methodId: id, pending, data: { code_hash: hashCode(code) }, response: { id } };
  },
  verify: verifyDelivered,
};

export const phoneEnroller: Enroller = {
  type: 'phone',
  async start({ ctx, account }, body) {
    const phone = String(body.phone_number).trim();
    if (!E164.test(phone))
      throw invalidField('phone_number', 'phone_number must be in E.164 format, e.g. +15551234567');
    const channel = body.preferred_authentication_method === 'voice' ? 'voice' : 'sms';
    const id = `phone|${newMethodIdSuffix()}`;
    const code = newOneTimeCode();
    await ctx.outbox.deliver({ channel, to: phone, user_id: account.user_id, purpose: 'enrollment', code });
    const pending: StoredPhone = {
      id,
      type: 'phone',
      phone_number: phone,
      preferred_authentication_method: channel,
      confirmed: false,
      created_at: new Date().toISOString(),
    };
    return { methodId: id, pending, data: { code_hash: hashCode(code) }, response: { id } };
  },
  verify: verifyDelivered,
};
