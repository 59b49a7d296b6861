/** Auth0's Authentication API paths (authentication-api-oas.json), given to oidc-provider as its routes. */
export const AUTH0_ROUTES = {
  authorization: '/authorize',
  token: '/oauth/token',
  revocation: '/oauth/revoke',
  userinfo: '/userinfo',
  jwks: '/.well-known/jwks.json',
  end_session: '/oidc/logout',
  pushed_authorization_request: '/oauth/par',
  // Not Auth0 endpoints; kept out of the way of the ones above.
  code_verification: '/activate',
  device_authorization: '/oauth/device/code',
  introspection: '/oauth/introspect',
  registration: '/oidc/register',
  backchannel_authentication: '/bc-authorize',
  challenge: '/oauth/challenge',
  credential: '/oauth/credential',
} as const;

/** Where oidc-provider sends the browser for the login, MFA and consent steps (`tenant/interactions`). */
export const INTERACTION_PREFIX = '/u/login/';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';
export const WEBAUTHN_GRANT = 'urn:okta:params:oauth:grant-type:webauthn';
export const MFA_OTP_GRANT = 'http://auth0.com/oauth/grant-type/mfa-otp';
export const MFA_OOB_GRANT = 'http://auth0.com/oauth/grant-type/mfa-oob';
export const MFA_RECOVERY_CODE_GRANT = 'http://auth0.com/oauth/grant-type/mfa-recovery-code';
export const PASSWORDLESS_OTP_GRANT = 'http://auth0.com/oauth/grant-type/passwordless/otp';
