import { BffError } from '../http/bff-error.js';

/**
 * 429 `rate_limited` with `Retry-After` (RFC 6585 §4): the same browser keeps starting logins without
 * finishing one. 429 rather than 400: the request is fine, its repetition is not, and `Retry-After` says
 * when the next start is let through. Rendered by `LoginLoopFilter` as the "keeps restarting" page.
 */
export class LoginLoopDetected extends BffError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly returnTo: string,
  ) {
    super({
      status: 429,
      code: 'rate_limited',
      title: 'Sign-in keeps restarting',
      detail: 'This browser started too many sign-ins in a short time without finishing one.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      html: true,
    });
  }
}

/**
 * 429 `rate_limited`: step-up logins for one session keep coming back without the required
 * authentication (RFC 9470 §5: an IdP ignoring `acr_values` would loop the browser), so no further
 * redirect until the guard's window has passed (SU-7).
 */
export class StepUpLoopDetected extends BffError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly returnTo: string,
  ) {
    super({
      status: 429,
      code: 'rate_limited',
      title: 'Extra verification keeps failing',
      detail: 'The sign-in came back several times without the extra verification this action needs.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      html: true,
    });
  }
}
