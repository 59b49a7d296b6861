import { newMethodIdSuffix } from '../accounts/account-store.js';
import type {
  Account,
  StoredEmail,
  StoredMethod,
  StoredPhone,
  StoredRecoveryCode,
  StoredTotp,
} from '../accounts/account.types.js';
import { buildTotp, hasMfaFactor, newTotpSecret } from '../accounts/login-factors.js';
import { hashSecret } from '../accounts/secret-hash.js';
import { AuthApiError, badRequest, optionalString } from '../http/auth-api.js';
import { newRecoveryCode } from '../my-account/enrollment/recovery-code-enroller.js';
import type { TenantContext } from '../tenant-context.js';
import type { MfaServices } from './mfa-services.js';
import type { MfaLogin } from './mfa-tokens.js';

/**
 * `POST /mfa/associate` with an mfa_token: a user who has no second factor yet enrolls one (Auth0 refuses
 * the mfa_token for a user already enrolled: adding factors then takes a stronger credential). `otp`
 * answers the secret and its `otpauth://` URI; `oob` sends a code by SMS, voice or email and answers its
 * `oob_code` (`binding_method: "prompt"`). A recovery code is created alongside when the user has none and
 * shown once in `recovery_codes`. Everything stays inactive until the MFA grant proves the new factor
 * with the same mfa_token (`confirmEnrollment`).
 */

const PHONE = /^\+[1-9]\d{6,14}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function stringList(params: Record<string, unknown>, name: string): string[] | undefined {
  const value = params[name];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw badRequest(`${name} must be an array of strings`);
  return value;
}

const base = () => ({ created_at: new Date().toISOString(), confirmed: false });

function newOobMethod(account: Account, params: Record<string, unknown>): StoredEmail | StoredPhone {
  const channels = stringList(params, 'oob_channels');
  if (!channels?.length) throw badRequest('Missing required parameter: oob_channels');
  const [channel] = channels;
  if (channel === 'email') {
    const email = optionalString(params, 'email') ?? account.email;
    if (!EMAIL.test(email)) throw badRequest('email must be an email address');
    return { ...base(), id: `email|${newMethodIdSuffix()}`, type: 'email', email };
  }
  if (channel === 'sms' || channel === 'voice') {
    const phone = optionalString(params, 'phone_number');
    if (!phone || !PHONE.test(phone))
      throw badRequest('phone_number is required for sms and voice, in E.164 format (+15551234567)');
    return {
      ...base(),
      id: `phone|${newMethodIdSuffix()}`,
      type: 'phone',
      phone_number: phone,
      preferred_authentication_method: channel,
    };
  }
  throw new AuthApiError(400, 'unsupported_challenge_type', `The oob_channel ${channel} is not available`);
}

async function newRecoveryMethod(account: Account): Promise<{ method?: StoredRecoveryCode; code?: string }> {
  if (account.methods.some((m) => m.type === 'recovery-code' && m.confirmed)) return {};
  const code = newRecoveryCode();
  const method: StoredRecoveryCode = {
    ...base(),
    id: `recovery-code|${newMethodIdSuffix()}`,
    type: 'recovery-code',
    code_hash: await hashSecret(code),
  };
  return { method, code };
}

export async function associate(
  tenant: TenantContext,
  mfa: MfaServices,
  token: string,
  login: MfaLogin,
  params: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const types = stringList(params, 'authenticator_types');
  if (!types?.length) throw badRequest('Missing required parameter: authenticator_types');
  if (types.length !== 1 || (types[0] !== 'otp' && types[0] !== 'oob'))
    throw badRequest('authenticator_types must hold one of otp, oob');
  const account = await tenant.accounts.findById(login.accountId);
  if (!account) throw new AuthApiError(403, 'invalid_grant', 'Malformed mfa_token');
  if (hasMfaFactor(account)) throw new AuthApiError(403, 'access_denied', 'User is already enrolled.');

  let factor: StoredMethod;
  let answer: Record<string, unknown>;
  if (types[0] === 'otp') {
    const secret = newTotpSecret();
    factor = { ...base(), id: `totp|${newMethodIdSuffix()}`, type: 'totp', secret } satisfies StoredTotp;
    const uri = buildTotp(secret, tenant.config.tenant.friendly_name, account.email).toString();
    answer = { authenticator_type: 'otp', secret, barcode_uri: uri };
  } else {
    factor = newOobMethod(account, params);
    answer = { authenticator_type: 'oob', oob_channel: stringList(params, 'oob_channels')?.[0] };
  }
  const recovery = await newRecoveryMethod(account);
  const created = [factor, ...(recovery.method ? [recovery.method] : [])];
  const earlier = new Set(login.enrolling ?? []);
  await tenant.accounts.update(account.user_id, (current) => {
    current.methods = [...current.methods.filter((m) => !earlier.has(m.id)), ...created];
  });
  await mfa.tokens.setEnrolling(
    token,
    created.map((m) => m.id),
  );
  if (factor.type === 'email' || factor.type === 'phone') {
    answer.oob_code = await mfa.oob.send(token, account, factor);
    answer.binding_method = 'prompt';
  }
  if (recovery.code) answer.recovery_codes = [recovery.code];
  return answer;
}

/**
 * After an MFA grant proved `provedId`: when that method was being enrolled with this mfa_token, it and
 * the recovery code created with it become active (one recovery code per user: an older one goes).
 */
export function confirmEnrollment(account: Account, enrolling: readonly string[], provedId: string): void {
  if (!enrolling.includes(provedId)) return;
  const confirmed = new Set(enrolling);
  const newRecovery = account.methods.some((m) => confirmed.has(m.id) && m.type === 'recovery-code');
  account.methods = account.methods.filter(
    (m) => confirmed.has(m.id) || !(newRecovery && m.type === 'recovery-code'),
  );
  for (const method of account.methods) if (confirmed.has(method.id)) method.confirmed = true;
}
