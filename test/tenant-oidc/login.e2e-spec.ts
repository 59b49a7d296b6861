import { CookieClient } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin } from '../support/tenant-login.js';
import { MY_ACCOUNT_SCOPES } from '../../tenant/config/tenant-config.schema.js';
import {
  authorizationUrl,
  DEMO,
  discover,
  idTokenClaims,
  logIn,
  redeem,
  verifyAccessToken,
} from './support/rp.js';

describe('tenant authorization server: discovery and code + PKCE login', () => {
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

  it("publishes Auth0's endpoint paths in discovery", async () => {
    const res = await fetch(`${tenant.url}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Record<string, unknown>;
    expect(doc).toMatchObject({
      issuer: tenant.issuer,
      authorization_endpoint: `${tenant.url}/authorize`,
      token_endpoint: `${tenant.url}/oauth/token`,
      revocation_endpoint: `${tenant.url}/oauth/revoke`,
      userinfo_endpoint: `${tenant.url}/userinfo`,
      jwks_uri: `${tenant.url}/.well-known/jwks.json`,
      end_session_endpoint: `${tenant.url}/oidc/logout`,
      pushed_authorization_request_endpoint: `${tenant.url}/oauth/par`,
    });
    expect(doc.code_challenge_methods_supported).toEqual(['S256']);
    expect(doc.backchannel_logout_supported).toBe(true);
  });

  it('logs in with audience and returns a JWT access token for the My Account API with the granted scopes', async () => {
    const config = await discover(tenant.issuer);
    const scope = `openid profile email offline_access ${MY_ACCOUNT_SCOPES.join(' ')}`;
    const { tokens } = await logIn(config, DEMO, { audience: `${tenant.issuer}me/`, scope });
    const at = await verifyAccessToken(tenant.issuer, tokens.access_token);
    // Auth0: asked with openid, the API token also serves /userinfo.
    expect(at).toMatchObject({
      iss: tenant.issuer,
      aud: [`${tenant.issuer}me/`, `${tenant.issuer}userinfo`],
      azp: 'myaccount-bff',
      client_id: 'myaccount-bff',
    });
    expect(at.sub).toMatch(/^auth0\|/);
    expect(String(at.scope).split(' ').sort()).toEqual(
      [...MY_ACCOUNT_SCOPES, 'openid', 'profile', 'email', 'offline_access'].sort(),
    );
    expect(typeof at.jti).toBe('string');
    expect((at.exp as number) - (at.iat as number)).toBe(tenant.config.my_account_api.access_token_lifetime);
    expect(tokens.refresh_token).toBeTruthy();

    const id = idTokenClaims(tokens.id_token);
    expect(id).toMatchObject({ sub: at.sub, name: DEMO.name, email: DEMO.email, amr: ['pwd'] });
    expect(typeof id.auth_time).toBe('number');
    expect(typeof id.sid).toBe('string');
    expect(id.acr).toBeUndefined();
  });

  it('accepts a pushed authorization request (/oauth/par) carrying audience', async () => {
    const config = await discover(tenant.issuer);
    const pending = await authorizationUrl(config, {
      audience: `${tenant.issuer}me/`,
      scope: 'openid read:me:factors',
    });
    const par = await fetch(`${tenant.url}/oauth/par`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
      },
      body: pending.url.searchParams,
    });
    expect(par.status).toBe(201);
    const { request_uri: requestUri } = (await par.json()) as { request_uri: string };
    const url = new URL(`${tenant.url}/authorize`);
    url.search = new URLSearchParams({ client_id: 'myaccount-bff', request_uri: requestUri }).toString();
    const callback = await completeTenantLogin(new CookieClient(), url, DEMO);
    const tokens = await redeem(config, pending, callback);
    expect(await verifyAccessToken(tenant.issuer, tokens.access_token)).toMatchObject({
      aud: [`${tenant.issuer}me/`, `${tenant.issuer}userinfo`],
      scope: 'openid read:me:factors',
    });
  });

  it('without audience issues an opaque token usable at /userinfo only', async () => {
    const config = await discover(tenant.issuer);
    const { tokens } = await logIn(config, DEMO, { scope: 'openid email' });
    expect(tokens.access_token.split('.')).toHaveLength(1);
    const res = await fetch(`${tenant.url}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ email: DEMO.email });
  });

  it('re-renders the login page with an error for a wrong password, the same for an unknown user', async () => {
    const config = await discover(tenant.issuer);
    const pending = await authorizationUrl(config);
    const client = new CookieClient();
    const page = await client.get(pending.url, { followRedirects: 3 });
    const wrong = await client.submitForm(page, { username: DEMO.username, password: 'not-it' });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain('Wrong email or password.');
    const unknown = await client.submitForm(wrong, { username: 'nobody@example.com', password: 'whatever' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain('Wrong email or password.');
    // The same login page still works afterwards.
    const callback = await completeTenantLogin(client, pending.url, DEMO);
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
  });
});
