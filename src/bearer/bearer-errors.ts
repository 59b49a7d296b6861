import { BffError, NotAuthenticated } from '../http/bff-error.js';
import type { ProblemCode } from '../public-api.types.js';

/** RFC 6750 §3.1 `invalid_token`: a bearer caller's access token was refused. */
const INVALID_TOKEN: ProblemCode = 'invalid_token';

/** RFC 6750 §3: error_description is a quoted-string of %x20-21 / %x23-5B / %x5D-7E only. */
const describe = (detail: string) => detail.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');

/**
 * 401 `invalid_token`: a bearer caller's access token was refused (signature, iss, aud, exp, alg, a
 * client-credentials or DPoP-bound token). `detail` names the reason, never the token or its claims.
 */
export class InvalidBearerToken extends BffError {
  constructor(detail: string, cause?: unknown) {
    super({
      status: 401,
      code: INVALID_TOKEN,
      title: 'Invalid access token',
      detail,
      headers: {
        'WWW-Authenticate': `Bearer error="invalid_token", error_description="${describe(detail)}"`,
      },
      cause,
    });
  }
}

/**
 * 401 `login_required`: an `Authorization` header without a Bearer token (Basic, an unknown scheme).
 * RFC 6750 §3.1: no error code when the request lacks usable authentication information.
 */
export class BearerTokenMissing extends NotAuthenticated {
  constructor() {
    super('Send Authorization: Bearer <access token>, or sign in.');
    Object.assign(this.headers, { 'WWW-Authenticate': 'Bearer' });
  }
}
