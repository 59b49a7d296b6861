/** `EmbeddedLoginModule.forRoot(options)`. */
export interface EmbeddedLoginOptions {
  /**
   * The database connection (`realm`) of the password-realm grant and `/passkey/challenge`; Auth0's
   * default directory when absent. Default `Username-Password-Authentication` (Auth0's default name).
   */
  readonly realm?: string;
}

export const EMBEDDED_LOGIN_OPTIONS = 'EMBEDDED_LOGIN_OPTIONS';
export const DEFAULT_REALM = 'Username-Password-Authentication';
