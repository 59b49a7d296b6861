import { CLOCK_TOLERANCE_SECONDS, type StepUpChallenge } from './evaluate-step-up.js';

/** The ID token claims that decide a step-up (already signature- and nonce-checked by the OIDC adapter). */
export interface StepUpClaims {
  readonly sub: string;
  readonly auth_time?: unknown;
  readonly amr?: unknown;
  readonly acr?: unknown;
}

export type StepUpResultReason =
  'different_user' | 'auth_time_missing' | 'auth_time_too_old' | 'auth_time_in_future' | 'mfa_missing';

export type StepUpResult =
  | { readonly ok: true; readonly authTime: number; readonly mfa: boolean }
  | { readonly ok: false; readonly reason: StepUpResultReason };

/** True when the login was multi-factor: `amr` ∋ `mfa` (Auth0), or `acr` one of the requested values. */
export function isMultiFactor(claims: StepUpClaims, acrValues?: string): boolean {
  if (Array.isArray(claims.amr) && claims.amr.includes('mfa')) return true;
  const requested = (acrValues ?? '').split(' ').filter((v) => v !== '');
  return typeof claims.acr === 'string' && requested.includes(claims.acr);
}

/**
 * Checks that the ID token of a step-up callback satisfies what was asked (RFC 9470 §5, OIDC Core §3.1.3.7,
 * SU-6, SU-12): same `sub` as the session, `auth_time` present and within `max_age`, and multi-factor when
 * `acr_values` was requested. On success `mfa` says whether the session may record a fresh MFA at
 * `authTime`; on failure the session gains nothing.
 */
export function checkStepUpResult(input: {
  readonly claims: StepUpClaims;
  readonly sessionSub: string;
  readonly requested: StepUpChallenge;
  readonly now: number;
}): StepUpResult {
  const { claims, requested, now } = input;
  if (claims.sub !== input.sessionSub) return { ok: false, reason: 'different_user' };
  const authTime = claims.auth_time;
  if (typeof authTime !== 'number' || !Number.isFinite(authTime))
    return { ok: false, reason: 'auth_time_missing' };
  if (authTime - now > CLOCK_TOLERANCE_SECONDS) return { ok: false, reason: 'auth_time_in_future' };
  if (requested.max_age !== undefined && now - authTime > requested.max_age + CLOCK_TOLERANCE_SECONDS) {
    return { ok: false, reason: 'auth_time_too_old' };
  }
  const mfa = isMultiFactor(claims, requested.acr_values);
  if (requested.acr_values !== undefined && !mfa) return { ok: false, reason: 'mfa_missing' };
  return { ok: true, authTime, mfa };
}
