import { findUnknownTimeoutKeys } from '../my-account/route-table.js';
import { findStepUpPolicyProblems, stepUpPolicyFromConfig } from '../step-up/step-up-policy.js';
import type { ParsedConfig } from './config.schema.js';
import { describeIssue } from './env-overrides.js';

/**
 * Settings that name routes or go into a challenge header, checked once the schema accepted the draft: a
 * per-route timeout for an operation that does not exist, or an `acr_values` a WWW-Authenticate quoted-string
 * cannot carry (RFC 9470 §3), would otherwise be silently ignored or sent broken.
 */
export function checkRouteSettings(parsed: ParsedConfig): string[] {
  const unknownTimeouts = findUnknownTimeoutKeys(parsed.myAccount.perRouteTimeouts).map((key) =>
    describeIssue(
      ['myAccount', 'perRouteTimeouts', key],
      'names no My Account operation (use an operationId or "METHOD /template")',
    ),
  );
  return [...unknownTimeouts, ...findStepUpPolicyProblems(stepUpPolicyFromConfig(parsed.stepUp))];
}
