import { BffError } from '../http/bff-error.js';

/** 401: the credentials did not sign anyone in. One message for every cause: no user enumeration. */
export class EmbeddedLoginRejected extends BffError {
  constructor(detail: string, cause?: unknown) {
    super({
      status: 401,
      code: 'login_required',
      title: 'Sign-in failed',
      detail,
      extras: { login_url: '/auth/login' },
      cause,
    });
  }
}

/** 404: `auth.passwordLogin.enabled` is off, so the endpoint does not exist. */
export class PasswordLoginDisabled extends BffError {
  constructor() {
    super({ status: 404, code: 'not_found', title: 'Not found', detail: 'Password sign-in is not enabled.' });
  }
}

/** 502: the identity provider refused what the BFF asked (client configuration) or answered nonsense. */
export class EmbeddedLoginUnavailable extends BffError {
  constructor(cause?: unknown) {
    super({
      status: 502,
      code: 'idp_unavailable',
      title: 'Identity provider refused the request',
      detail: 'The sign-in could not be completed.',
      cause,
    });
  }
}
