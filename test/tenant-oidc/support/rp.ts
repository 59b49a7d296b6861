import { createRemoteJWKSet, decodeJwt, jwtVerify, type JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import { CookieClient } from '../../support/cookie-client.js';
import { DEMO as SEEDED_DEMO, DEMO_TOTP_SECRET, FRESH_USER } from '../../support/seed-users.js';
import { completeTenantLogin, type TenantCredentials } from '../../support/tenant-login.js';

/** The relying party side of the tenant tests: openid-client 6 as the seeded `myaccount-bff` client. */

export const CLIENT_ID = 'myaccount-bff';
export const CLIENT_SECRET = 'dev-bff-secret';
export const REDIRECT_URI = 'http://localhost:3000/auth/callback';
export const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
export const DEMO = { ...SEEDED_DEMO, username: SEEDED_DEMO.email, totpSecret: DEMO_TOTP_SECRET };
export const FRESH = FRESH_USER;

export async function discover(
  issuer: string,
  clientId = CLIENT_ID,
  secret = CLIENT_SECRET,
): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, undefined, oidc.ClientSecretBasic(secret), {
    execute: [oidc.allowInsecureRequests],
  });
}

export interface PendingLogin {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationUrl(
  config: oidc.Configuration,
  params: Record<string, string> = {},
): Promise<PendingLogin> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...params,
  });
  return { url, verifier, state, nonce };
}

export async function redeem(
  config: oidc.Configuration,
  pending: PendingLogin,
  callbackUrl: string,
  options: { DPoP?: oidc.DPoPHandle } = {},
) {
  return oidc.authorizationCodeGrant(
    config,
    new URL(callbackUrl),
    {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    },
    undefined,
    options,
  );
}

/** Login through the tenant's pages and the code exchange, in one call. */
export async function logIn(
  config: oidc.Configuration,
  credentials: TenantCredentials,
  params: Record<string, string> = {},
  client = new CookieClient(),
) {
  const pending = await authorizationUrl(config, params);
  const callback = await completeTenantLogin(client, pending.url, credentials);
  const tokens = await redeem(config, pending, callback);
  return { tokens, client, callback };
}

/** Verifies a JWT access token against the tenant's JWKS (RFC 9068). */
export async function verifyAccessToken(issuer: string, token: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${issuer}.well-known/jwks.json`));
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience: `${issuer}me/`,
    typ: 'at+jwt',
    algorithms: ['RS256'],
  });
  return payload;
}

export function idTokenClaims(idToken: string | undefined): JWTPayload {
  if (!idToken) throw new Error('no id_token');
  return decodeJwt(idToken);
}
