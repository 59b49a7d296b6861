import { BffError } from '../http/bff-error.js';

/**
 * 429 `rate_limited` with `Retry-After` (RFC 6585 §4) for a login loop: rendered as an HTML page by
 * `LoginLoopFilter`, with `returnTo` for its "try again" link.
 */
abstract class LoopDetected extends BffError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly returnTo: string,
    title: string,
    detail: string,
  ) {
    super({
      status: 429,
      code: 'rate_limited',
      title,
      detail,
      headers: { 'Retry-After': String(retryAfterSeconds) },
      html: true,
    });
  }
}

/**
 * The same browser keeps starting logins without finishing one. 429 rather than 400: the request is fine,
 * its repetition is not, and `Retry-After` says when the next start is let through. Rendered as the
 * "keeps restarting" page.
 */
export class LoginLoopDetected extends LoopDetected {
  constructor(retryAfterSeconds: number, returnTo: string) {
    super(
      retryAfterSeconds,
      returnTo,
      'Sign-in keeps restarting',
      'This browser started too many sign-ins in a short time without finishing one.',
    );
  }
}

/**
 * Step-up logins for one session keep coming back without the required authentication (RFC 9470 §5: an
 * IdP ignoring `acr_values` would loop the browser), so no further redirect until the guard's window has
 * passed (SU-7).
 */
export class StepUpLoopDetected extends LoopDetected {
  constructor(retryAfterSeconds: number, returnTo: string) {
    super(
      retryAfterSeconds,
      returnTo,
      'Extra verification keeps failing',
      'The sign-in came back several times without the extra verification this action needs.',
    );
  }
}
