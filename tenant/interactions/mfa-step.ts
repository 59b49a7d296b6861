import { generateAuthenticationOptions, type AuthenticatorTransport } from '@simplewebauthn/server';
import { newMethodIdSuffix } from '../accounts/account-store.js';
import type { Account, StoredTotp } from '../accounts/account.types.js';
import {
  buildTotp,
  confirmedPasskeys,
  deliverableFactors,
  hashLoginCode,
  loginCodeMatches,
  matchRecoveryCode,
  maskDestination,
  mfaFactors,
  newLoginCode,
  newTotpSecret,
} from '../accounts/login-factors.js';
import { confirmedTotps, TotpReplayGuard } from '../accounts/totp-replay.js';
import { passkeyRpId } from '../my-account/enrollment/passkey-enroller.js';
import { parseAssertion, verifyPasskeyAssertion } from '../oidc/passkey-assertion.js';
import type { TenantContext } from '../tenant-context.js';
import type { LoginState } from './login-state.js';
import { enrollTotpPage, mfaPage } from './pages.js';

/**
 * The second step of a login that needs MFA: a TOTP code, a code sent by email/SMS (to the dev outbox), a
 * recovery code (single use) or a passkey. A user without any factor enrolls a TOTP authenticator right
 * there (as Auth0's MFA enrollment prompt does).
 */

const CODE_LIFETIME_SECONDS = 300;

export type MfaOutcome = { kind: 'passed' } | { kind: 'page'; status: number; html: string };

export interface MfaStepInput {
  tenant: TenantContext;
  issuer: string;
  action: string;
  account: Account;
  state: LoginState;
}

function isEnrolling(account: Account): boolean {
  return mfaFactors(account).length === 0;
}

export async function renderMfa(
  input: MfaStepInput,
  status = 200,
  error?: string,
  notice?: string,
): Promise<MfaOutcome> {
  const { tenant, account, state, action } = input;
  if (isEnrolling(account)) {
    state.enrollSecret ??= newTotpSecret();
    const uri = buildTotp(state.enrollSecret, tenant.config.tenant.friendly_name, account.email).toString();
    return {
      kind: 'page',
      status,
      html: enrollTotpPage({ action, secret: state.enrollSecret, otpauthUri: uri, error }),
    };
  }
  const factors = mfaFactors(account);
  const passkeys = confirmedPasskeys(account);
  let passkeyOptions: unknown;
  if (passkeys.length) {
    passkeyOptions = await generateAuthenticationOptions({
      rpID: passkeyRpId(tenant, input.issuer),
      allowCredentials: passkeys.map((p) => ({
        id: p.key_id,
        transports: p.transports as AuthenticatorTransport[] | undefined,
      })),
      userVerification: 'preferred',
    });
    state.passkeyChallenge = (passkeyOptions as { challenge: string }).challenge;
  }
  const html = mfaPage({
    action,
    error,
    notice,
    deliverable: deliverableFactors(account).map((m) => ({ id: m.id, label: maskDestination(m) })),
    hasTotp: factors.some((m) => m.type === 'totp'),
    hasRecoveryCode: factors.some((m) => m.type === 'recovery-code'),
    passkeyOptions,
  });
  return { kind: 'page', status, html };
}

async function sendCode(input: MfaStepInput, methodId: string): Promise<MfaOutcome> {
  const method = deliverableFactors(input.account).find((m) => m.id === methodId);
  if (!method) return renderMfa(input, 400, 'Choose one of the listed ways to receive a code.');
  const code = newLoginCode();
  await input.tenant.outbox.deliver({
    channel: method.type === 'email' ? 'email' : method.preferred_authentication_method,
    to: method.type === 'email' ? method.email : method.phone_number,
    user_id: input.account.user_id,
    purpose: 'login',
    code,
    text: `Your ${input.tenant.config.tenant.friendly_name} login code is ${code}`,
  });
  input.state.sentCode = {
    hash: hashLoginCode(code),
    methodId,
    expiresAt: Date.now() + CODE_LIFETIME_SECONDS * 1000,
  };
  return renderMfa(input, 200, undefined, `We sent a code to ${maskDestination(method)}.`);
}

/** Saves a TOTP enrolled at the prompt as a confirmed method. */
async function enrollTotp(input: MfaStepInput, secret: string): Promise<void> {
  const totp: StoredTotp = {
    id: `totp|${newMethodIdSuffix()}`,
    type: 'totp',
    secret,
    confirmed: true,
    created_at: new Date().toISOString(),
  };
  await input.tenant.accounts.update(input.account.user_id, (account) => {
    account.methods.push({ ...totp, last_auth_at: totp.created_at });
  });
}

/** Which factor `otp` proves, consuming single-use ones (a TOTP code is accepted once, RFC 6238 §5.2). */
async function checkCode(input: MfaStepInput, otp: string): Promise<boolean> {
  const { account, state, tenant } = input;
  const totp = new TotpReplayGuard(tenant.redis, tenant.prefix, tenant.config.tenant.totp_replays);
  if (isEnrolling(account)) {
    if (!state.enrollSecret || !(await totp.accept(state.enrollSecret, otp))) return false;
    await enrollTotp(input, state.enrollSecret);
    return true;
  }
  let usedId = (await totp.match(confirmedTotps(account), otp))?.id;
  if (
    !usedId &&
    state.sentCode &&
    state.sentCode.expiresAt > Date.now() &&
    loginCodeMatches(otp, state.sentCode.hash)
  ) {
    usedId = state.sentCode.methodId;
    state.sentCode = undefined;
  }
  const recovery = usedId ? undefined : await matchRecoveryCode(account, otp);
  if (!usedId && !recovery) return false;
  await tenant.accounts.update(account.user_id, (current) => {
    if (recovery) current.methods = current.methods.filter((m) => m.id !== recovery.id);
    const used = current.methods.find((m) => m.id === usedId);
    if (used) used.last_auth_at = new Date().toISOString();
  });
  return true;
}

export async function submitMfa(input: MfaStepInput, fields: Record<string, string>): Promise<MfaOutcome> {
  const action = fields.action ?? 'verify';
  if (action.startsWith('send:')) return sendCode(input, action.slice('send:'.length));
  if (fields.webauthn) {
    const assertion = parseAssertion(fields.webauthn);
    const challenge = input.state.passkeyChallenge;
    input.state.passkeyChallenge = undefined;
    if (
      assertion &&
      challenge &&
      (await verifyPasskeyAssertion(input.tenant, input.account, input.issuer, assertion, challenge))
    ) {
      return { kind: 'passed' };
    }
    return renderMfa(input, 400, 'That passkey could not be verified. Try again or enter a code.');
  }
  const otp = (fields.otp ?? '').trim();
  if (otp && (await checkCode(input, otp))) return { kind: 'passed' };
  input.state.failures += 1;
  return renderMfa(input, 400, otp ? 'That code is not valid. Try again.' : 'Enter a code to continue.');
}
