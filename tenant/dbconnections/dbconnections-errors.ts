import { AuthApiError } from '../http/auth-api.js';

/**
 * Auth0 answers `/dbconnections/signup` failures in its own shape, not the OAuth one:
 * `{ name, code, description, statusCode }` (`BadRequestError`), and for a password the policy refuses,
 * `PasswordStrengthError` with `message`, the failed rules as `description` and the policy text.
 * auth-js (`database.signUp`) reads `code` and `description` from it.
 */
export class DbConnectionsError extends AuthApiError {
  constructor(
    status: number,
    readonly errorName: string,
    code: string,
    description: string,
    private readonly extra: Record<string, unknown> = {},
  ) {
    super(status, code, description);
  }

  override toBody(): Record<string, unknown> {
    return {
      name: this.errorName,
      ...this.extra,
      code: this.error,
      description: this.extra.description ?? this.description,
      statusCode: this.status,
    };
  }
}

/** A bad or missing signup field, an unknown connection, a username on a connection without usernames. */
export const invalidSignup = (description: string) =>
  new DbConnectionsError(400, 'BadRequestError', 'invalid_signup', description);

/** Auth0's answer when the email is already registered on the connection. */
export const userExists = () =>
  new DbConnectionsError(400, 'BadRequestError', 'user_exists', 'The user already exists.');

export const signupDisabled = () =>
  new DbConnectionsError(400, 'BadRequestError', 'operation_not_supported', 'public signup is disabled');
