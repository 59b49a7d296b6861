import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import type {
  Account,
  StoredEmail,
  StoredMethod,
  StoredPasskey,
  StoredPhone,
  StoredRecoveryCode,
} from './account.types.js';
import { isConfirmedMfaFactor } from './account.types.js';
import { verifySecret } from './secret-hash.js';

/**
 * The pure checks behind the login and MFA pages: which second factors a user has, and whether what they
 * typed proves one of them. No I/O here (the caller loads and saves the account).
 */

/** The `acr` Auth0 puts in ID tokens after MFA, and that `acr_values` asks for. */
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/** RFC 6238 with authenticator-app parameters (SHA-1, 6 digits, 30 s). */
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

/** A fresh 160-bit base32 secret for enrolling an authenticator app at the MFA prompt. */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/**
 * The 30 s time step a code belongs to when it is valid now: the current step or one either side (RFC 6238
 * §5.2 clock drift); undefined otherwise. Whether it was used before is `TotpReplayGuard`'s concern.
 */
export function totpStep(secret: string, code: unknown): number | undefined {
  if (typeof code !== 'string') return undefined;
  const token = code.trim();
  if (!/^\d{6}$/.test(token)) return undefined;
  const timestamp = Date.now();
  const delta = buildTotp(secret, 'x', 'x').validate({ token, window: 1, timestamp });
  return delta === null ? undefined : Math.floor(timestamp / 30_000) + delta;
}

/** Accepts the current code and one 30 s step either side (RFC 6238 §5.2 clock drift). */
export function isValidTotp(secret: string, code: string): boolean {
  return totpStep(secret, code) !== undefined;
}

/** The user's confirmed second factors (passkeys are a first factor of their own). */
export function mfaFactors(account: Account): StoredMethod[] {
  return account.methods.filter(isConfirmedMfaFactor);
}

export function hasMfaFactor(account: Account): boolean {
  return mfaFactors(account).length > 0;
}

export function confirmedPasskeys(account: Account): StoredPasskey[] {
  return account.methods.filter(
    (m): m is StoredPasskey =>
      m.confirmed &&
      (m.type === 'passkey' || m.type === 'webauthn-platform' || m.type === 'webauthn-roaming'),
  );
}

/** Factors a code can be sent to (email, SMS/voice). */
export function deliverableFactors(account: Account): Array<StoredEmail | StoredPhone> {
  return mfaFactors(account).filter(
    (m): m is StoredEmail | StoredPhone => m.type === 'email' || m.type === 'phone',
  );
}

/** True when the login must ask for a second factor: `acr_values` names the MFA policy, or the user has `mfa: always`. */
export function isMfaRequired(account: Account, acrValues: string | undefined): boolean {
  const requested = (acrValues ?? '').split(' ').includes(MFA_ACR);
  return requested || account.mfa === 'always';
}

/** A 6-digit code for email / SMS delivery at the MFA prompt. */
export function newLoginCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** Sent codes are kept as SHA-256 (short-lived, few attempts), never in clear. */
export function hashLoginCode(code: string): string {
  return createHash('sha256').update(code.trim()).digest('base64url');
}

export function loginCodeMatches(candidate: string, storedHash: string): boolean {
  const a = Buffer.from(hashLoginCode(candidate));
  const b = Buffer.from(storedHash);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The recovery code `code` matches, if any (the caller consumes it: recovery codes are single use). */
export async function matchRecoveryCode(
  account: Account,
  code: string,
): Promise<StoredRecoveryCode | undefined> {
  const candidate = code.trim();
  if (candidate.length < 8) return undefined;
  for (const method of mfaFactors(account)) {
    if (method.type === 'recovery-code' && (await verifySecret(candidate, method.code_hash))) return method;
  }
  return undefined;
}

/** Masks an address for display on the MFA page: `d***@example.com`, `+1******4567`. */
export function maskDestination(method: StoredEmail | StoredPhone): string {
  if (method.type === 'email') {
    const [local, domain] = method.email.split('@');
    return `${local.slice(0, 1)}***@${domain}`;
  }
  const n = method.phone_number;
  return `${n.slice(0, 2)}${'*'.repeat(Math.max(0, n.length - 6))}${n.slice(-4)}`;
}
