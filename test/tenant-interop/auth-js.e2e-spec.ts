import { AuthClient } from '@auth0/auth0-auth-js';
import { decodeJwt } from 'jose';
import { CookieClient } from '../support/cookie-client.js';
import { completeTenantLogin, freshTotp } from '../support/tenant-login.js';
import {
  ALWAYS_MFA,
  DEMO,
  startInteropTenant,
  WEB_APP,
  type InteropTenant,
  authClient,
  rejection,
} from './support/interop-tenant.js';

const API_SCOPE = 'openid profile email offline_access read:me:authentication_methods';

describe('Auth0 auth-js against the local tenant (HTTPS)', () => {
  let it0: InteropTenant;
  let auth: AuthClient;

  beforeAll(async () => {
    it0 = await startInteropTenant();
    auth = authClient(it0);
  });

  afterAll(async () => {
    await it0?.close();
  });

  it('getServerMetadata: an https issuer whose endpoints are all https on the same origin', async () => {
    const metadata = await auth.getServerMetadata();
    expect(metadata.issuer).toBe(`https://${it0.domain}/`);
    for (const key of [
      'authorization_endpoint',
      'token_endpoint',
      'userinfo_endpoint',
      'jwks_uri',
    ] as const) {
      expect(String(metadata[key]).startsWith(`https://${it0.domain}/`)).toBe(true);
    }
  });

  it('buildAuthorizationUrl (with PAR) + getTokenByCode, then getTokenByRefreshToken and revokeToken', async () => {
    const { authorizationUrl, codeVerifier } = await auth.buildAuthorizationUrl({
      pushedAuthorizationRequests: true,
      authorizationParams: {
        redirect_uri: WEB_APP.redirectUri,
        scope: API_SCOPE,
        audience: it0.myAccountAudience,
      },
    });
    expect(authorizationUrl.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    const browser = new CookieClient({}, it0.cert.fetch);
    const callback = await completeTenantLogin(browser, authorizationUrl, {
      username: DEMO.email,
      password: DEMO.password,
    });
    const tokens = await auth.getTokenByCode(new URL(callback), { codeVerifier });
    expect(tokens.scope?.split(' ')).toEqual(expect.arrayContaining(API_SCOPE.split(' ')));
    expect(tokens.claims?.email).toBe(DEMO.email);
    expect(tokens.refreshToken).toEqual(expect.any(String));

    const refreshed = await auth.getTokenByRefreshToken({ refreshToken: tokens.refreshToken! });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.scope?.split(' ')).toEqual(expect.arrayContaining(['openid', 'offline_access']));

    const latest = refreshed.refreshToken ?? tokens.refreshToken!;
    await auth.revokeToken({ token: latest, tokenTypeHint: 'refresh_token' });
    const err = await rejection(auth.getTokenByRefreshToken({ refreshToken: latest }));
    expect(err.cause?.error).toBe('invalid_grant');
  });

  it('getTokenByPassword without realm and with the database realm; getUserInfo with the API access token', async () => {
    const plain = await auth.getTokenByPassword({
      username: DEMO.email,
      password: DEMO.password,
      audience: it0.myAccountAudience,
      scope: 'openid profile email read:me:authentication_methods',
    });
    expect(plain.scope?.split(' ')).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'read:me:authentication_methods']),
    );
    expect(decodeJwt(plain.accessToken).aud).toContain(`https://${it0.domain}/userinfo`);
    const info = await auth.getUserInfo({ accessToken: plain.accessToken });
    expect(info).toMatchObject({
      sub: expect.stringMatching(/^auth0\|/),
      email: DEMO.email,
      name: DEMO.name,
    });

    const realm = await auth.getTokenByPassword({
      username: DEMO.email,
      password: DEMO.password,
      realm: 'Username-Password-Authentication',
      scope: 'openid email',
    });
    expect(realm.claims?.email).toBe(DEMO.email);

    const wrong = await rejection(auth.getTokenByPassword({ username: DEMO.email, password: 'nope' }));
    expect(wrong.cause?.error).toBe('invalid_grant');
  });

  it('getTokenByPassword for a user who always needs MFA → mfa_required, then mfa.verify with the TOTP code', async () => {
    const err = await rejection(
      auth.getTokenByPassword({
        username: ALWAYS_MFA.email,
        password: ALWAYS_MFA.password,
        audience: it0.myAccountAudience,
        scope: 'openid read:me:authentication_methods',
      }),
    );
    expect(err.cause?.error).toBe('mfa_required');
    const mfaToken = String(err.cause?.mfa_token);
    const tokens = await auth.mfa.verify({
      mfaToken,
      factorType: 'otp',
      otp: await freshTotp(ALWAYS_MFA.totp),
    });
    expect(tokens.claims?.amr).toEqual(['pwd', 'mfa']);
    expect(decodeJwt(tokens.accessToken).scope).toContain('read:me:authentication_methods');
  });

  it('the token endpoint takes JSON bodies on every grant (Auth0 accepts both media types)', async () => {
    const res = await it0.cert.fetch(`https://${it0.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'password',
        client_id: WEB_APP.clientId,
        client_secret: WEB_APP.clientSecret,
        username: DEMO.email,
        password: DEMO.password,
        scope: 'openid',
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.id_token).toEqual(expect.any(String));
    expect(body.scope).toBe('openid');
    const bad = await it0.cert.fetch(`https://${it0.domain}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '["not", "an", "object"]',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('buildLogoutUrl → the discovered end_session_endpoint with the return URL', async () => {
    const url = await auth.buildLogoutUrl({ returnTo: WEB_APP.logoutUrl });
    expect(url.origin).toBe(`https://${it0.domain}`);
    expect(url.searchParams.get('post_logout_redirect_uri')).toBe(WEB_APP.logoutUrl);
  });

  it('GET /v2/logout: an allowed returnTo redirects there; any other gets a 400 page and no redirect', async () => {
    const browser = new CookieClient({}, it0.cert.fetch);
    const ok = await browser.get(
      `https://${it0.domain}/v2/logout?client_id=${WEB_APP.clientId}&returnTo=${encodeURIComponent(WEB_APP.logoutUrl)}&federated`,
    );
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(WEB_APP.logoutUrl);
    const evil = 'https://evil.example/';
    for (const query of [`client_id=${WEB_APP.clientId}&returnTo=${evil}`, `returnTo=${evil}`]) {
      const refused = await browser.get(`https://${it0.domain}/v2/logout?${query}`);
      expect(refused.status).toBe(400);
      expect(refused.location).toBeUndefined();
      expect(refused.body).toContain('Allowed Logout URLs');
    }
  });
});
