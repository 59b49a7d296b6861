import { errors } from 'oidc-provider';

/**
 * Auth0-shaped OAuth errors oidc-provider does not have. Each carries its HTTP status; the token endpoint
 * renders `{ error, error_description }` with it, /authorize redirects it back to the client.
 */
export function oauthError(status: number, error: string, description: string): Error {
  const err = new errors.OIDCProviderError(status, error);
  err.error_description = description;
  return err;
}

/** Auth0 answers 403 `access_denied` for an audience it does not serve ("Service not found"). */
export function serviceNotFound(audience: string): Error {
  return oauthError(403, 'access_denied', `Service not found: ${audience}`);
}

/** Auth0's answer when a client has no client grant for the API under `require_client_grant`. */
export function clientNotAuthorized(clientId: string, audience: string): Error {
  return oauthError(
    403,
    'access_denied',
    `Client "${clientId}" is not authorized to access "${audience}". A client grant for this API is required.`,
  );
}

export function accessDenied(description: string): Error {
  return oauthError(403, 'access_denied', description);
}

/** Auth0's password-realm answer for a wrong user or password (no hint which one). */
export function wrongEmailOrPassword(): Error {
  return oauthError(403, 'invalid_grant', 'Wrong email or password.');
}

/** Auth0's brute-force protection answer (429 `too_many_attempts`). */
export function tooManyAttempts(): Error {
  return oauthError(
    429,
    'too_many_attempts',
    'Too many failed login attempts for this user. Try again later.',
  );
}

export function invalidRequest(description: string): Error {
  return oauthError(400, 'invalid_request', description);
}

export function invalidGrant(description: string): Error {
  return oauthError(400, 'invalid_grant', description);
}
