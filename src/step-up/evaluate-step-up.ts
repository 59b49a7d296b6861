import {
  DEFAULT_STEP_UP_POLICY,
  resolveStepUpRequirement,
  type StepUpPolicy,
  type StepUpRoute,
} from './step-up-policy.js';

/** What a new login must satisfy (RFC 9470 §3): `acr_values` absent when a recent login alone is enough. */
export interface StepUpChallenge {
  readonly acr_values?: string;
  readonly max_age?: number;
}

/** Clock skew tolerated for timestamps slightly in the future (issuer and BFF clocks differ). */
export const CLOCK_TOLERANCE_SECONDS = 60;

/** Inputs in epoch seconds (OIDC NumericDate), all from the session, never from the access token (SU-9). */
export interface StepUpInput {
  readonly route: StepUpRoute;
  /** When the session last proved MFA (an ID token with `amr` ∋ `mfa` or the MFA `acr`), or null. */
  readonly mfa: { readonly lastMfaAt: number | null };
  /** The session's last login (`auth_time`), or null when the IdP did not say (SU-14: weakest assumed). */
  readonly authTime: number | null;
  /** Whether the user has a confirmed MFA factor; undefined (unknown) counts as yes: MFA is then required. */
  readonly hasConfirmedFactor: boolean | undefined;
  readonly now: number;
  readonly policy?: StepUpPolicy;
}

/** The session facts step-up needs (epoch seconds), from the session record, never from the token (SU-9). */
export interface StepUpFacts {
  readonly lastMfaAt: number | null;
  readonly authTime: number | null;
  readonly hasConfirmedFactor: boolean | undefined;
}

/** What a session record says: its MFA and login times; whether a factor is confirmed is not known here. */
export function stepUpFactsOf(session: {
  readonly mfa?: { readonly lastMfaAt: number | null } | null;
  readonly authTime?: number | null;
}): StepUpFacts {
  return {
    lastMfaAt: session.mfa?.lastMfaAt ?? null,
    authTime: session.authTime ?? null,
    hasConfirmedFactor: undefined,
  };
}

export type StepUpDecision =
  { readonly ok: true } | { readonly ok: false; readonly challenge: StepUpChallenge };

/** True when `at` lies within `maxAge` seconds before `now` (a little future skew tolerated, no more). */
export function isFresh(at: number | null, now: number, maxAge: number): boolean {
  if (at === null || !Number.isFinite(at)) return false;
  return now - at <= maxAge && at - now <= CLOCK_TOLERANCE_SECONDS;
}

/**
 * Decides whether an operation may proceed (docs/architecture.md#the-my-account-proxy, SU-14): when its
 * policy asks for MFA within `max_age` and the session's last MFA is older or absent, the answer is a
 * challenge and the upstream is not called. First factor: a user with no confirmed factor enrolling one needs
 * only a login within `max_age`, and the challenge then has no `acr_values` (an MFA prompt could not be
 * passed).
 */
export function evaluateStepUp(input: StepUpInput): StepUpDecision {
  const requirement = resolveStepUpRequirement(input.route, input.policy ?? DEFAULT_STEP_UP_POLICY);
  if (!requirement) return { ok: true };
  const { maxAge, acrValues } = requirement;
  if (isFresh(input.mfa.lastMfaAt, input.now, maxAge)) return { ok: true };
  if (requirement.firstFactorAllowed && input.hasConfirmedFactor === false) {
    return isFresh(input.authTime, input.now, maxAge)
      ? { ok: true }
      : { ok: false, challenge: { max_age: maxAge } };
  }
  return { ok: false, challenge: { acr_values: acrValues, max_age: maxAge } };
}

/**
 * The step-up decision for an operation and a caller's facts under the app's one policy: what the proxy's
 * gateway, the proxy's hot path (through the gateway) and `StepUpGuard` on the BFF's own routes all ask.
 */
export function decideStepUp(
  route: StepUpRoute,
  facts: StepUpFacts,
  policy: StepUpPolicy,
  now: number,
): StepUpDecision {
  const { lastMfaAt, authTime, hasConfirmedFactor } = facts;
  return evaluateStepUp({ route, mfa: { lastMfaAt }, authTime, hasConfirmedFactor, now, policy });
}
