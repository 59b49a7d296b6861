import { BffError } from '../http/bff-error.js';
import type { ProblemCode } from '../public-api.types.js';

/**
 * A connected-accounts navigation that cannot go on (docs/architecture.md#the-http-surface): the small HTML
 * error page (escaped, a link to start again), 400 unless said otherwise; never a 500. `reason` is for the
 * log only.
 */
export class ConnectFailed extends BffError {
  constructor(
    detail: string,
    readonly reason: string,
    options: { status?: number; code?: ProblemCode; cause?: unknown } = {},
  ) {
    super({
      status: options.status ?? 400,
      code: options.code ?? 'invalid_request',
      title: 'Account not linked',
      detail,
      html: true,
      cause: options.cause,
    });
  }
}
