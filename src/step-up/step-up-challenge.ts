import { normalizeReturnTo } from '../http/return-to.js';
import { StatusError } from '../http/status-error.js';
import type { ProblemBody } from '../public-api.types.js';
import type { StepUpChallenge } from './evaluate-step-up.js';

/** Where the browser starts a login (docs/architecture.md#the-http-surface). */
export const LOGIN_PATH = '/auth/login';

/** `/auth/login?acr_values=...&max_age=...&returnTo=...`, every value URL-encoded. */
export function buildStepUpLoginUrl(challenge: StepUpChallenge, returnTo?: string): string {
  const query = new URLSearchParams();
  if (challenge.acr_values !== undefined) query.set('acr_values', challenge.acr_values);
  if (challenge.max_age !== undefined) query.set('max_age', String(challenge.max_age));
  query.set('returnTo', normalizeReturnTo(returnTo));
  return `${LOGIN_PATH}?${query.toString()}`;
}

// RFC 9110 §5.6.4 quoted-string: escape `\` and `"`; the values here never hold controls.
const quote = (value: string) => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

function describe(challenge: StepUpChallenge): string {
  const within = challenge.max_age === undefined ? '' : ` within the last ${challenge.max_age} seconds`;
  return challenge.acr_values === undefined
    ? `A recent login${within} is required`
    : `A multi-factor authentication${within} is required`;
}

/** `Bearer error="insufficient_user_authentication", error_description="...", acr_values="...", max_age=300`. */
export function buildStepUpHeader(challenge: StepUpChallenge): string {
  const parts = [
    'error="insufficient_user_authentication"',
    `error_description=${quote(describe(challenge))}`,
  ];
  if (challenge.acr_values !== undefined) parts.push(`acr_values=${quote(challenge.acr_values)}`);
  if (challenge.max_age !== undefined) parts.push(`max_age=${challenge.max_age}`);
  return `Bearer ${parts.join(', ')}`;
}

export interface StepUpResponse {
  readonly status: 401;
  readonly headers: { readonly 'www-authenticate': string };
  readonly problem: ProblemBody;
}

/**
 * The 401 of RFC 9470 §3 as the BFF answers it (docs/architecture.md#the-my-account-proxy): header plus
 * problem body with `login_url`.
 */
export function buildStepUpChallenge(challenge: StepUpChallenge, returnTo?: string): StepUpResponse {
  const problem: ProblemBody = {
    type: 'about:blank',
    title: 'Unauthorized',
    status: 401,
    detail: describe(challenge),
    code: 'insufficient_user_authentication',
    ...(challenge.acr_values === undefined ? {} : { acr_values: challenge.acr_values }),
    ...(challenge.max_age === undefined ? {} : { max_age: challenge.max_age }),
    login_url: buildStepUpLoginUrl(challenge, returnTo),
  };
  return { status: 401, headers: { 'www-authenticate': buildStepUpHeader(challenge) }, problem };
}

/** 401 `insufficient_user_authentication`: the operation needs a fresher (multi-factor) login. */
export class StepUpRequired extends StatusError {
  constructor(
    readonly challenge: StepUpChallenge,
    returnTo?: string,
  ) {
    const { problem, headers } = buildStepUpChallenge(challenge, returnTo);
    const { acr_values, max_age, login_url } = problem;
    const extra = Object.fromEntries(
      Object.entries({ acr_values, max_age, login_url }).filter(([, v]) => v !== undefined),
    );
    super(401, 'insufficient_user_authentication', problem.detail, extra, headers);
  }
}
