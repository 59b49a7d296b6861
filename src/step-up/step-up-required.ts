import type { StepUpChallenge } from './evaluate-step-up.js';
import { StepUpRequired } from './step-up-challenge.js';
import type { StepUpPolicy } from './step-up-policy.js';

/** Why a request needs a new login (RFC 9470 §3); each reason has exactly one challenge. */
export type StepUpReason =
  /** The BFF's own policy refused the operation (`evaluateStepUp`). */
  | { readonly kind: 'policy'; readonly challenge: StepUpChallenge }
  /** The upstream answered an RFC 9470 challenge the BFF honours (`translateUpstreamChallenge`, SU-11). */
  | { readonly kind: 'upstream'; readonly challenge: StepUpChallenge }
  /** Auth0's `mfa_required` from the token endpoint on refresh: the policy's MFA within its `max_age`. */
  | { readonly kind: 'refresh_mfa_required' }
  /**
   * Auth0's `mfa_required` on an embedded login: the redirect login with the policy's MFA `acr_values`,
   * without `max_age` (that login is new anyway).
   */
  | { readonly kind: 'login_mfa_required' };

/** The challenge a reason asks for under `policy`. */
export function challengeFor(reason: StepUpReason, policy: StepUpPolicy): StepUpChallenge {
  switch (reason.kind) {
    case 'policy':
    case 'upstream':
      return reason.challenge;
    case 'refresh_mfa_required':
      return { acr_values: policy.acrValues, max_age: policy.maxAge };
    case 'login_mfa_required':
      return { acr_values: policy.acrValues };
  }
}

/**
 * The one builder of the BFF's 401 `insufficient_user_authentication` (docs/architecture.md#where-each-rule-lives):
 * every layer that asks for a step-up (the proxy, `StepUpGuard`, connected accounts, embedded login) calls
 * this, so the challenge, `WWW-Authenticate` and `login_url` are the same everywhere. `returnTo` is judged
 * by the returnTo rule (BCP-6).
 */
export function stepUpRequired(
  reason: StepUpReason,
  policy: StepUpPolicy,
  returnTo?: string,
): StepUpRequired {
  return new StepUpRequired(challengeFor(reason, policy), returnTo);
}
