import type { ProblemCode } from '../public-api.types.js';
import { BffError } from './bff-error.js';

const TITLES: Record<number, string> = {
  400: 'Invalid request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  413: 'Payload too large',
  415: 'Unsupported media type',
  502: 'Bad gateway',
  504: 'Gateway timeout',
};

/**
 * A `BffError` whose title follows from its status: the proxy's errors (src/my-account/gateway-error.ts),
 * the CSRF refusals and the step-up challenge. The one ProblemDetailsFilter renders it with its `status`,
 * stable `code`, extra problem members (`allow`, `acr_values`, `login_url`, ...) and response headers
 * (`Allow`, `WWW-Authenticate`, ...). The detail never holds a token or an upstream body, and the filter
 * hides it from 500 on.
 */
export class StatusError extends BffError {
  constructor(
    status: number,
    code: ProblemCode,
    detail: string,
    extras: Readonly<Record<string, unknown>> = {},
    headers: Readonly<Record<string, string>> = {},
  ) {
    super({
      status,
      code,
      title: TITLES[status] ?? 'Request failed',
      detail,
      extras: { ...extras },
      headers: { ...headers },
    });
  }

  /** The extra problem members (alias of `extras`). */
  get extra(): Readonly<Record<string, unknown>> {
    return this.extras;
  }
}
