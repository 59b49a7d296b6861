import type { StepUpChallenge } from './evaluate-step-up.js';
import { DEFAULT_STEP_UP_POLICY, type StepUpPolicy } from './step-up-policy.js';
import { parseWwwAuthenticate } from './www-authenticate.js';

/**
 * What an upstream 401 means for step-up: not a step-up challenge (`none`: pass it through), a challenge
 * the BFF honours (`step_up`), or one it must not act on (`invalid`: answer a generic 502, never send the
 * browser to a login; SU-3, SU-11, F4).
 */
export type UpstreamChallengeVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'step_up'; readonly challenge: StepUpChallenge }
  | { readonly kind: 'invalid'; readonly reason: string };

const MAX_AGE_TOKEN = /^\d{1,10}$/;
const MAX_AGE_LIMIT = 2_147_483_647;

/** RFC 9470 §3: a non-negative integer, as token or quoted-string; `-1`, `5.5`, `abc`, `` are refused. */
export function parseMaxAge(value: string): number | undefined {
  if (!MAX_AGE_TOKEN.test(value)) return undefined;
  const seconds = Number(value);
  return seconds <= MAX_AGE_LIMIT ? seconds : undefined;
}

/** Keeps the requested acr values the policy allows, in the upstream's order of preference (SU-2, SU-11). */
function allowedAcrValues(requested: string, policy: StepUpPolicy): string[] | string {
  const values = requested.split(' ').filter((v) => v !== '');
  if (values.length === 0) return 'empty acr_values';
  const allowed = values.filter((v) => policy.allowedAcrValues.includes(v));
  return allowed.length > 0 ? allowed : 'acr_values outside the allow-list';
}

/**
 * Translates an upstream `401` carrying RFC 9470's `insufficient_user_authentication` (Bearer or DPoP
 * scheme, SU-1) into the BFF's own challenge. With neither `acr_values` nor `max_age` it asks for the
 * policy's default MFA.
 */
export function translateUpstreamChallenge(
  response: { readonly status: number; readonly wwwAuthenticate?: string },
  policy: StepUpPolicy = DEFAULT_STEP_UP_POLICY,
): UpstreamChallengeVerdict {
  if (response.status !== 401) return { kind: 'none' };
  const found = parseWwwAuthenticate(response.wwwAuthenticate).find(
    (c) =>
      (c.scheme === 'bearer' || c.scheme === 'dpop') && c.params.error === 'insufficient_user_authentication',
  );
  if (!found) return { kind: 'none' };
  if (!found.wellFormed) return { kind: 'invalid', reason: 'malformed challenge' };
  const { acr_values: acr, max_age: age } = found.params;
  if (acr === undefined && age === undefined) {
    return { kind: 'step_up', challenge: { acr_values: policy.acrValues, max_age: policy.maxAge } };
  }
  const maxAge = age === undefined ? undefined : parseMaxAge(age);
  if (age !== undefined && maxAge === undefined) return { kind: 'invalid', reason: 'malformed max_age' };
  const acrValues = acr === undefined ? undefined : allowedAcrValues(acr, policy);
  if (typeof acrValues === 'string') return { kind: 'invalid', reason: acrValues };
  return {
    kind: 'step_up',
    challenge: {
      ...(acrValues ? { acr_values: acrValues.join(' ') } : {}),
      ...(maxAge === undefined ? {} : { max_age: maxAge }),
    },
  };
}
