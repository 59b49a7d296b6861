import { createHash, randomBytes } from 'node:crypto';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { CookieClient } from '../support/cookie-client.js';
import { createMyAccountClient } from '../support/my-account-client.js';
import { createSoftAuthenticator } from '../support/soft-authenticator.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { contractProblems } from './support/oas-contract.js';
import { DEMO, FRESH, DEMO_USER } from '../support/seed-users.js';

/**
 * The My Account API inside the real local tenant, with tokens from a real login (authorization code +
 * PKCE at /authorize and /oauth/token): what the API enrolls is what the login then asks for.
 */

const MFA_ACR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const CLIENT_ID = 'myaccount-bff';
const CLIENT_SECRET = 'dev-bff-secret';
const REDIRECT_URI = 'http://localhost:3000/auth/callback';
const SCOPES =
  'openid profile email offline_access read:me:authentication_methods create:me:authentication_methods delete:me:authentication_methods';

let redis: TestRedis;
let tenant: TestTenant;
beforeAll(async () => {
  redis = await startTestRedis();
  tenant = await startTestTenant({ redisUrl: redis.url });
});
afterAll(async () => {
  await tenant?.close();
  await redis?.close();
});

async function login(
  issuer: string,
  username: string,
  password: string,
  extra: { acr_values?: string; otp?: () => string | Promise<string> } = {},
) {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL(`${issuer}authorize`);
  url.search = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope: SCOPES,
    audience: `${issuer}me/`,
    state: randomBytes(8).toString('hex'),
    nonce: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...(extra.acr_values ? { acr_values: extra.acr_values } : {}),
  }).toString();
  const callback = await completeTenantLogin(new CookieClient(), url, { username, password, otp: extra.otp });
  const code = new URL(callback).searchParams.get('code');
  if (!code) throw new Error(`No code in ${callback}`);
  const res = await fetch(`${issuer}oauth/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
      audience: `${issuer}me/`,
    }),
  });
  const tokens = (await res.json()) as { access_token: string; id_token: string };
  if (!res.ok) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(tokens)}`);
  return tokens;
}

it('tokens from a real login work against the API of the same host only', async () => {
  const tokens = await login(tenant.issuer, DEMO.email, DEMO.password, {});
  const claims = decodeJwt(tokens.access_token);
  expect(claims.aud).toContain(`${tenant.issuer}me/`);
  const client = createMyAccountClient({
    baseUrl: `${tenant.issuer}me/v1`,
    accessToken: tokens.access_token,
  });
  const list = await client.request('GET', '/authentication-methods');
  expect(list.status).toBe(200);
  expect(
    contractProblems('getAuthenticationMethods', list.status, Object.fromEntries(list.headers), list.body),
  ).toEqual([]);
  expect(list.body.authentication_methods.map((m: { type: string }) => m.type)).toEqual(
    expect.arrayContaining(['password', 'totp']),
  );
  const elsewhere = createMyAccountClient({
    baseUrl: `${tenant.customIssuer}me/v1`,
    accessToken: tokens.access_token,
  });
  expect((await elsewhere.request('GET', '/authentication-methods')).status).toBe(401);
  expect((await client.request('GET', '/factors')).status).toBe(403);
});

it('a TOTP enrolled for fresh@example.com through the API is what an MFA login asks for and accepts', async () => {
  const first = await login(tenant.issuer, FRESH.email, FRESH.password);
  const client = createMyAccountClient({ baseUrl: `${tenant.issuer}me/v1`, accessToken: first.access_token });
  const totp = await client.enrollTotp();
  expect((await client.listMethods()).find((m) => m.id === totp.id)?.confirmed).toBe(true);

  await expect(login(tenant.issuer, FRESH.email, FRESH.password, { acr_values: MFA_ACR })).rejects.toThrow(
    /second factor/,
  );
  await expect(
    login(tenant.issuer, FRESH.email, FRESH.password, {
      acr_values: MFA_ACR,
      otp: () => '000000',
    }),
  ).rejects.toThrow();

  const stepped = await login(tenant.issuer, FRESH.email, FRESH.password, {
    acr_values: MFA_ACR,
    otp: () => totpNow(totp.secret),
  });
  const idToken = decodeJwt(stepped.id_token);
  expect(idToken.acr).toBe(MFA_ACR);
  expect(idToken.amr).toEqual(expect.arrayContaining(['mfa']));
});

it('a DPoP-bound token from the real token endpoint works with openid-client proofs, not as Bearer', async () => {
  const config = await oidc.discovery(
    new URL(tenant.issuer),
    CLIENT_ID,
    undefined,
    oidc.ClientSecretBasic(CLIENT_SECRET),
    {
      execute: [oidc.allowInsecureRequests],
    },
  );
  const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: SCOPES,
    audience: `${tenant.issuer}me/`,
    state,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
  });
  const callback = await completeTenantLogin(new CookieClient(), url, DEMO_USER);
  const tokens = await oidc.authorizationCodeGrant(
    config,
    new URL(callback),
    { pkceCodeVerifier: verifier, expectedState: state },
    { audience: `${tenant.issuer}me/` },
    { DPoP },
  );
  expect(tokens.token_type.toLowerCase()).toBe('dpop');
  expect(decodeJwt(tokens.access_token).cnf).toBeDefined();
  const api = new URL(`${tenant.issuer}me/v1/authentication-methods?type=totp`);
  const res = await oidc.fetchProtectedResource(
    config,
    tokens.access_token,
    api,
    'GET',
    undefined,
    undefined,
    { DPoP },
  );
  expect(res.status).toBe(200);
  const body = (await res.json()) as { authentication_methods: Array<{ type: string }> };
  expect(body.authentication_methods.map((m) => m.type)).toEqual(['totp']);
  const asBearer = await fetch(api, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(asBearer.status).toBe(401);
});

it('a passkey enrolled through the API signs the user in with the native passkey grant', async () => {
  const first = await login(tenant.issuer, DEMO.email, DEMO.password);
  const client = createMyAccountClient({ baseUrl: `${tenant.issuer}me/v1`, accessToken: first.access_token });
  const authenticator = createSoftAuthenticator();
  const passkey = await client.enrollPasskey(authenticator, 'http://localhost:3000');

  const basic = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
  const challenge = await fetch(`${tenant.issuer}passkey/challenge`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: CLIENT_ID }),
  });
  const { auth_session, authn_params_public_key } = (await challenge.json()) as {
    auth_session: string;
    authn_params_public_key: { challenge: string; rpId: string };
  };
  const assertion = await authenticator.authenticate(authn_params_public_key, 'http://localhost:3000');
  const token = await fetch(`${tenant.issuer}oauth/token`, {
    method: 'POST',
    headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:okta:params:oauth:grant-type:webauthn',
      auth_session,
      authn_response: JSON.stringify(assertion),
      scope: 'openid read:me:authentication_methods',
      audience: `${tenant.issuer}me/`,
    }),
  });
  const tokens = (await token.json()) as { access_token: string };
  expect(token.status).toBe(200);
  const viaPasskey = createMyAccountClient({
    baseUrl: `${tenant.issuer}me/v1`,
    accessToken: tokens.access_token,
  });
  const listed = (await viaPasskey.listMethods()).find((m) => m.id === passkey.id);
  expect(listed?.last_auth_at).toEqual(expect.any(String));
});
