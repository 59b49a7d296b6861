import { BffError, IdpUnavailable } from '../http/bff-error.js';

/** A login callback that cannot complete: 400 page, no session (docs/architecture.md#the-http-surface). */
export class LoginFailed extends BffError {
  constructor(
    detail: string,
    readonly reason: string,
    cause?: unknown,
  ) {
    super({ status: 400, code: 'invalid_request', title: 'Sign-in failed', detail, html: true, cause });
  }
}

interface MaybeHttpError {
  name?: string;
  code?: string;
  status?: number;
  cause?: unknown;
}

/**
 * The identity provider was unreachable, too slow or failing (network error, timeout, 5xx): the caller
 * keeps state and answers 503. Anything else (OAuth error responses, failed validations) is a refusal.
 */
export function isIdpUnavailable(err: unknown): boolean {
  const e = err as MaybeHttpError | undefined;
  if (!e) return false;
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return true;
  if (e.name === 'TypeError' && /fetch failed/i.test(String((err as Error).message))) return true;
  if (typeof e.status === 'number' && e.status >= 500) return true;
  if (e.cause instanceof Response && e.cause.status >= 500) return true;
  return e.cause !== undefined && e.cause !== err && isIdpUnavailable(e.cause);
}

export function toIdpUnavailable(err: unknown, html = false): IdpUnavailable {
  return new IdpUnavailable(undefined, html, err);
}

/** The identity provider answered, but refused what the BFF asked (e.g. a pushed request): a configuration problem. */
export class IdpRefused extends BffError {
  constructor(cause: unknown) {
    super({
      status: 502,
      code: 'idp_unavailable',
      title: 'Identity provider refused the request',
      detail: 'The sign-in could not be started.',
      html: true,
      cause,
    });
  }
}
