import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server';
import { decodeJwt } from 'jose';
import { CookieClient } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { createSoftAuthenticator, type SoftAuthenticator } from '../support/soft-authenticator.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { totpNow } from '../support/tenant-login.js';
import {
  authorizationUrl,
  CLIENT_ID,
  CLIENT_SECRET,
  DEMO,
  discover,
  idTokenClaims,
  MFA_ACR,
  redeem,
  verifyAccessToken,
} from './support/rp.js';

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm';
const WEBAUTHN = 'urn:okta:params:oauth:grant-type:webauthn';
const MFA_OTP = 'http://auth0.com/oauth/grant-type/mfa-otp';
const ALWAYS = { username: 'always@example.com', password: 'Always-password-1' };
const BASIC = `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`;
const WEB_ORIGIN = 'http://localhost:3000';

async function token(tenant: TestTenant, params: Record<string, string>, authorization = BASIC) {
  const res = await fetch(`${tenant.url}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('tenant embedded logins: password-realm and native passkey grants', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let audience: string;

  beforeAll(async () => {
    redis = await startTestRedis();
    tenant = await startTestTenant({
      redisUrl: redis.url,
      configure: (c) => {
        c.users.push({ ...c.users[0], email: ALWAYS.username, password: ALWAYS.password, mfa: 'always' });
        c.clients.push({
          ...c.clients[0],
          client_id: 'code-only',
          client_secret: 'code-only-secret',
          grant_types: ['authorization_code'],
        });
      },
    });
    audience = `${tenant.issuer}me/`;
  });
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  const passwordLogin = (username: string, password: string, extra: Record<string, string> = {}) =>
    token(tenant, {
      grant_type: PASSWORD_REALM,
      username,
      password,
      realm: 'Username-Password-Authentication',
      audience,
      scope: 'openid email offline_access read:me:factors create:me:authentication_methods',
      ...extra,
    });

  describe('password-realm', () => {
    it('issues a My Account token, an ID token with amr pwd and a refresh token', async () => {
      const { status, body } = await passwordLogin(DEMO.username, DEMO.password);
      expect(status).toBe(200);
      const at = await verifyAccessToken(tenant.issuer, body.access_token);
      // Auth0: an API token asked with openid also serves /userinfo and lists the OpenID scopes.
      expect(at).toMatchObject({
        aud: [audience, `${tenant.issuer}userinfo`],
        azp: CLIENT_ID,
        scope: 'openid email offline_access read:me:factors create:me:authentication_methods',
      });
      expect(decodeJwt(body.id_token)).toMatchObject({ email: DEMO.username, amr: ['pwd'] });
      expect(body.refresh_token).toBeTruthy();
    });

    it('answers 403 invalid_grant "Wrong email or password." for a wrong password or an unknown user', async () => {
      for (const [user, password] of [
        [DEMO.username, 'nope'],
        ['ghost@example.com', 'whatever'],
      ]) {
        const { status, body } = await passwordLogin(user, password);
        expect(status).toBe(403);
        expect(body).toEqual({ error: 'invalid_grant', error_description: 'Wrong email or password.' });
      }
    });

    it('answers 403 mfa_required for a user whose logins always need MFA; mfa-otp with the TOTP finishes the login once', async () => {
      const { status, body } = await passwordLogin(ALWAYS.username, ALWAYS.password);
      expect(status).toBe(403);
      expect(body).toMatchObject({
        error: 'mfa_required',
        error_description: 'Multifactor authentication required',
        mfa_requirements: { challenge: [{ type: 'otp' }] },
      });
      expect(body.access_token).toBeUndefined();

      const otp = { grant_type: MFA_OTP, mfa_token: body.mfa_token, otp: totpNow(DEMO.totpSecret) };
      const done = await token(tenant, otp);
      expect(done.status).toBe(200);
      expect(decodeJwt(done.body.id_token)).toMatchObject({
        email: ALWAYS.username,
        amr: ['pwd', 'mfa'],
        acr: MFA_ACR,
      });
      expect(await verifyAccessToken(tenant.issuer, done.body.access_token)).toMatchObject({
        scope: 'openid email offline_access read:me:factors create:me:authentication_methods',
      });
      expect(await token(tenant, otp)).toMatchObject({
        status: 403,
        body: { error: 'invalid_grant', error_description: 'Malformed mfa_token' },
      });
    });

    it('refuses mfa-otp with a wrong code (403 invalid_grant); the mfa_token stays good for the right one', async () => {
      const { body } = await passwordLogin(ALWAYS.username, ALWAYS.password);
      const right = totpNow(DEMO.totpSecret);
      const wrong = right === '000000' ? '111111' : '000000';
      expect(
        await token(tenant, { grant_type: MFA_OTP, mfa_token: body.mfa_token, otp: wrong }),
      ).toMatchObject({
        status: 403,
        body: { error: 'invalid_grant', error_description: 'Invalid otp_code.' },
      });
      const done = await token(tenant, { grant_type: MFA_OTP, mfa_token: body.mfa_token, otp: right });
      expect(done.status).toBe(200);
    });

    it('is refused to a client that does not have the grant, and for an unknown realm', async () => {
      const other = await token(
        tenant,
        { grant_type: PASSWORD_REALM, username: DEMO.username, password: DEMO.password },
        `Basic ${Buffer.from('code-only:code-only-secret').toString('base64')}`,
      );
      expect(other.status).toBe(400);
      expect(other.body.access_token).toBeUndefined();
      const realm = await passwordLogin(DEMO.username, DEMO.password, { realm: 'elsewhere' });
      expect(realm).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    });
  });

  describe('passkeys', () => {
    let authenticator: SoftAuthenticator;

    beforeAll(async () => {
      // Enroll a passkey for the demo user through the My Account API, as the account page does.
      const { body } = await passwordLogin(DEMO.username, DEMO.password);
      const api = `${tenant.url}/me/v1/authentication-methods`;
      const headers = { authorization: `Bearer ${body.access_token}`, 'content-type': 'application/json' };
      const start = await fetch(api, { method: 'POST', headers, body: JSON.stringify({ type: 'passkey' }) });
      expect(start.status).toBe(202);
      const started = (await start.json()) as {
        auth_session: string;
        authn_params_public_key: PublicKeyCredentialCreationOptionsJSON;
      };
      authenticator = createSoftAuthenticator();
      const attestation = await authenticator.register(started.authn_params_public_key, WEB_ORIGIN);
      const verify = await fetch(`${api}/passkey%7Cnew/verify`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ auth_session: started.auth_session, authn_response: attestation }),
      });
      expect(verify.status).toBe(201);
    });

    const challenge = async () => {
      const res = await fetch(`${tenant.url}/passkey/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          realm: 'Username-Password-Authentication',
        }),
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        auth_session: string;
        authn_params_public_key: PublicKeyCredentialRequestOptionsJSON & { rpId: string };
      };
    };

    it('POST /passkey/challenge answers Auth0 shapes and authenticates the client', async () => {
      const started = await challenge();
      expect(started.authn_params_public_key).toMatchObject({
        rpId: 'localhost',
        userVerification: 'preferred',
        timeout: 60000,
      });
      expect(started.authn_params_public_key.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const wrongSecret = await fetch(`${tenant.url}/passkey/challenge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ client_id: CLIENT_ID, client_secret: 'wrong' }),
      });
      expect(wrongSecret.status).toBe(401);
    });

    it('the webauthn grant logs in with the passkey (amr webauthn); an auth_session works once', async () => {
      const started = await challenge();
      const assertion = await authenticator.authenticate(started.authn_params_public_key, WEB_ORIGIN);
      const params = {
        grant_type: WEBAUTHN,
        auth_session: started.auth_session,
        authn_response: JSON.stringify(assertion),
        audience,
        scope: 'openid email offline_access create:me:authentication_methods',
      };
      const { status, body } = await token(tenant, params);
      expect(status).toBe(200);
      expect(decodeJwt(body.id_token)).toMatchObject({ email: DEMO.username, amr: ['webauthn'] });
      expect(await verifyAccessToken(tenant.issuer, body.access_token)).toMatchObject({
        scope: 'openid email offline_access create:me:authentication_methods',
      });
      expect(body.refresh_token).toBeTruthy();
      const replay = await token(tenant, params);
      expect(replay).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it('refuses an assertion signed over another challenge', async () => {
      const started = await challenge();
      const other = await challenge();
      const assertion = await authenticator.authenticate(other.authn_params_public_key, WEB_ORIGIN);
      const { status, body } = await token(tenant, {
        grant_type: WEBAUTHN,
        auth_session: started.auth_session,
        authn_response: JSON.stringify(assertion),
      });
      expect(status).toBe(400);
      expect(body.error).toBe('invalid_grant');
    });

    it('offers the passkey on the MFA page and accepts its assertion as the second factor', async () => {
      const config = await discover(tenant.issuer);
      const client = new CookieClient();
      const pending = await authorizationUrl(config, { acr_values: MFA_ACR });
      const login = await client.get(pending.url, { followRedirects: 3 });
      const mfa = await client.submitForm(
        login,
        { username: DEMO.username, password: DEMO.password },
        { followRedirects: 1 },
      );
      expect(mfa.body).toContain('id="passkey"');
      const json = /parseRequestOptionsFromJSON\((\{[\s\S]*?\})\);/.exec(mfa.body)?.[1] as string;
      const options = JSON.parse(json) as PublicKeyCredentialRequestOptionsJSON;
      const assertion = await authenticator.authenticate(options, tenant.url);
      let res = await client.submitForm(mfa, { webauthn: JSON.stringify(assertion) });
      while (res.location?.startsWith(tenant.url)) res = await client.get(res.location);
      const tokens = await redeem(config, pending, res.location as string);
      expect(idTokenClaims(tokens.id_token)).toMatchObject({ amr: ['pwd', 'mfa'], acr: MFA_ACR });
    });
  });
});
