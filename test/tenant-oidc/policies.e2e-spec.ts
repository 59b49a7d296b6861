import { calculateJwkThumbprint, exportJWK } from 'jose';
import * as oidc from 'openid-client';
import { CookieClient } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin } from '../support/tenant-login.js';
import type { TenantConfig } from '../../tenant/config/tenant-config.schema.js';
import { MY_ACCOUNT_SCOPES } from '../../tenant/config/tenant-config.schema.js';
import { authorizationUrl, DEMO, discover, logIn, redeem, verifyAccessToken } from './support/rp.js';

const ALL = `openid offline_access ${MY_ACCOUNT_SCOPES.join(' ')}`;

/** The API's scopes in an access token's `scope` claim (Auth0 lists the OpenID scopes there too). */
const apiScopes = (scope: unknown) =>
  String(scope)
    .split(' ')
    .filter((s) => s.includes(':'))
    .sort();
const NO_GRANT = { id: 'no-grant-app', secret: 'no-grant-secret' };
const RBAC_USER = { username: 'rbac@example.com', password: 'Rbac-password-1' };
const M2M = { id: 'm2m-app', secret: 'm2m-secret' };

function addClients(c: TenantConfig): void {
  const base = c.clients[0];
  c.clients.push(
    { ...base, client_id: NO_GRANT.id, client_secret: NO_GRANT.secret },
    {
      ...base,
      client_id: M2M.id,
      client_secret: M2M.secret,
      grant_types: ['client_credentials'],
      redirect_uris: [],
    },
  );
}

/** The error the tenant sends back to the redirect_uri for an /authorize request. */
async function authorizeError(config: oidc.Configuration, params: Record<string, string>) {
  const pending = await authorizationUrl(config, params);
  const callback = new URL(await completeTenantLogin(new CookieClient(), pending.url, DEMO));
  return {
    error: callback.searchParams.get('error'),
    description: callback.searchParams.get('error_description'),
  };
}

describe('tenant My Account access policies', () => {
  let redis: TestRedis;
  let tenant: TestTenant | undefined;

  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(async () => {
    await tenant?.close();
    tenant = undefined;
  });
  afterAll(async () => redis?.close());

  const start = async (configure: (c: TenantConfig) => void = () => undefined) => {
    tenant = await startTestTenant({ redisUrl: redis.url, configure: (c) => (addClients(c), configure(c)) });
    return tenant;
  };

  it('require_client_grant: scopes are capped by the grant; a client without a grant is refused', async () => {
    const t = await start((c) => {
      c.client_grants[0].scope = ['read:me:factors', 'read:me:authentication_methods'];
    });
    const config = await discover(t.issuer);
    const { tokens } = await logIn(config, DEMO, { audience: `${t.issuer}me/`, scope: ALL });
    const at = await verifyAccessToken(t.issuer, tokens.access_token);
    expect(apiScopes(at.scope)).toEqual(['read:me:authentication_methods', 'read:me:factors']);

    const refused = await authorizeError(await discover(t.issuer, NO_GRANT.id, NO_GRANT.secret), {
      audience: `${t.issuer}me/`,
      scope: ALL,
    });
    expect(refused.error).toBe('access_denied');
    expect(refused.description).toContain('is not authorized to access');
  });

  it('allow_all: any client gets any My Account scope it asks for', async () => {
    const t = await start((c) => {
      c.my_account_api.user_policy = 'allow_all';
    });
    const config = await discover(t.issuer, NO_GRANT.id, NO_GRANT.secret);
    const { tokens } = await logIn(config, DEMO, {
      audience: `${t.issuer}me/`,
      scope: 'openid read:me:factors delete:me:authentication_methods',
    });
    const at = await verifyAccessToken(t.issuer, tokens.access_token);
    expect(at.scope).toBe('openid read:me:factors delete:me:authentication_methods');
  });

  it('deny_all: no client gets a token for the My Account API', async () => {
    const t = await start((c) => {
      c.my_account_api.user_policy = 'deny_all';
    });
    const refused = await authorizeError(await discover(t.issuer), {
      audience: `${t.issuer}me/`,
      scope: ALL,
    });
    expect(refused.error).toBe('access_denied');
  });

  it('RBAC: the token carries only the scopes among the user permissions', async () => {
    const t = await start((c) => {
      c.my_account_api.rbac = true;
      // A user of its own: seeded users are never overwritten (the Redis is shared by these tests).
      c.users.push({
        ...c.users[0],
        email: RBAC_USER.username,
        password: RBAC_USER.password,
        permissions: ['read:me:factors', 'read:me:authentication_methods'],
      });
    });
    const config = await discover(t.issuer);
    const { tokens } = await logIn(config, RBAC_USER, { audience: `${t.issuer}me/`, scope: ALL });
    const at = await verifyAccessToken(t.issuer, tokens.access_token);
    expect(apiScopes(at.scope)).toEqual(['read:me:authentication_methods', 'read:me:factors']);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token as string);
    expect(apiScopes((await verifyAccessToken(t.issuer, refreshed.access_token)).scope)).toEqual([
      'read:me:authentication_methods',
      'read:me:factors',
    ]);
  });

  it('an inactive My Account API is refused like an unknown audience', async () => {
    const t = await start((c) => {
      c.my_account_api.active = false;
    });
    const refused = await authorizeError(await discover(t.issuer), {
      audience: `${t.issuer}me/`,
      scope: ALL,
    });
    expect(refused).toEqual({ error: 'access_denied', description: `Service not found: ${t.issuer}me/` });
  });

  it('client credentials never get a My Account token (client-flow policy deny_all)', async () => {
    const t = await start();
    for (const param of ['audience', 'resource']) {
      const res = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from(`${M2M.id}:${M2M.secret}`).toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          [param]: `${t.issuer}me/`,
          scope: 'read:me:factors',
        }),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'access_denied' });
    }
  });

  it('mints tokens at the custom domain with its issuer and audience, and refuses the other domain audience there', async () => {
    const t = await start();
    const config = await discover(t.customIssuer);
    const { tokens } = await logIn(config, DEMO, {
      audience: `${t.customIssuer}me/`,
      scope: 'openid read:me:factors',
    });
    const at = await verifyAccessToken(t.customIssuer, tokens.access_token);
    expect(at).toMatchObject({
      iss: 'http://127.0.0.1:' + t.port + '/',
      aud: [`${t.customIssuer}me/`, `${t.customIssuer}userinfo`],
    });
    const refused = await authorizeError(config, {
      audience: `${t.issuer}me/`,
      scope: 'openid read:me:factors',
    });
    expect(refused.error).toBe('access_denied');
  });

  it('binds the access token to a DPoP key (cnf.jkt) when the client uses DPoP', async () => {
    const t = await start();
    const config = await discover(t.issuer);
    const keyPair = await oidc.randomDPoPKeyPair();
    const DPoP = oidc.getDPoPHandle(config, keyPair);
    const pending = await authorizationUrl(config, {
      audience: `${t.issuer}me/`,
      scope: 'openid read:me:factors',
    });
    const callback = await completeTenantLogin(new CookieClient(), pending.url, DEMO);
    const tokens = await redeem(config, pending, callback, { DPoP });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const at = await verifyAccessToken(t.issuer, tokens.access_token);
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    expect(at.cnf).toEqual({ jkt });
  });

  it('dpop: required refuses a Bearer token request for the My Account audience', async () => {
    const t = await start((c) => {
      c.my_account_api.dpop = 'required';
    });
    const config = await discover(t.issuer);
    const pending = await authorizationUrl(config, {
      audience: `${t.issuer}me/`,
      scope: 'openid read:me:factors',
    });
    const callback = await completeTenantLogin(new CookieClient(), pending.url, DEMO);
    await expect(redeem(config, pending, callback)).rejects.toMatchObject({ error: 'invalid_request' });

    const again = await authorizationUrl(config, {
      audience: `${t.issuer}me/`,
      scope: 'openid read:me:factors',
    });
    const DPoP = oidc.getDPoPHandle(config, await oidc.randomDPoPKeyPair());
    const tokens = await redeem(
      config,
      again,
      await completeTenantLogin(new CookieClient(), again.url, DEMO),
      { DPoP },
    );
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
  });
});
