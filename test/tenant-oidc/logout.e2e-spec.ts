import { createRemoteJWKSet, jwtVerify } from 'jose';
import type * as oidc from 'openid-client';
import { CookieClient } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { authorizationUrl, CLIENT_ID, DEMO, discover, idTokenClaims, logIn } from './support/rp.js';
import { startBackchannelListener, type BackchannelListener } from './support/backchannel-listener.js';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

describe('tenant RP-initiated logout (/oidc/logout) and back-channel logout', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let listener: BackchannelListener;
  let config: oidc.Configuration;

  beforeAll(async () => {
    redis = await startTestRedis();
    listener = await startBackchannelListener();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: listener.origin });
    config = await discover(tenant.issuer);
  });
  afterAll(async () => {
    await tenant?.close();
    await listener?.close();
    await redis?.close();
  });
  beforeEach(() => listener.tokens.splice(0));

  const callbackUri = () => `${listener.origin}/auth/callback`;

  function logoutUrl(params: Record<string, string>): string {
    return `${tenant.url}/oidc/logout?${new URLSearchParams(params)}`;
  }

  async function isLoggedIn(client: CookieClient): Promise<boolean> {
    const pending = await authorizationUrl(config, {
      prompt: 'none',
      scope: 'openid',
      redirect_uri: callbackUri(),
    });
    let res = await client.get(pending.url);
    while (res.location?.startsWith(tenant.url)) res = await client.get(res.location);
    const location = new URL(res.location as string);
    return location.searchParams.has('code');
  }

  it('ends the session named by logout_hint without a confirmation page and sends a verifiable logout token', async () => {
    const { tokens, client } = await logIn(config, DEMO, {
      scope: 'openid profile email',
      redirect_uri: callbackUri(),
    });
    const id = idTokenClaims(tokens.id_token);
    expect(await isLoggedIn(client)).toBe(true);

    const res = await client.get(
      logoutUrl({
        client_id: CLIENT_ID,
        logout_hint: String(id.sid),
        post_logout_redirect_uri: `${listener.origin}/`,
        state: 'xyz',
      }),
    );
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${listener.origin}/?state=xyz`);
    expect(await isLoggedIn(client)).toBe(false);

    expect(listener.tokens).toHaveLength(1);
    const jwks = createRemoteJWKSet(new URL(`${tenant.issuer}.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(listener.tokens[0], jwks, {
      issuer: tenant.issuer,
      audience: CLIENT_ID,
      typ: 'logout+jwt',
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({ sub: id.sub, sid: id.sid, events: { [BACKCHANNEL_EVENT]: {} } });
    expect(typeof payload.jti).toBe('string');
    expect(typeof payload.iat).toBe('number');
    expect(typeof payload.exp).toBe('number');
    expect(payload.nonce).toBeUndefined();
  });

  it('ends a session by logout_hint even from a request without its cookie (the BFF redirecting another browser)', async () => {
    const { tokens, client } = await logIn(config, DEMO, { scope: 'openid', redirect_uri: callbackUri() });
    const sid = String(idTokenClaims(tokens.id_token).sid);
    const res = await new CookieClient().get(
      logoutUrl({ client_id: CLIENT_ID, logout_hint: sid, post_logout_redirect_uri: `${listener.origin}/` }),
    );
    expect(res.status).toBe(303);
    expect(listener.tokens).toHaveLength(1);
    expect(await isLoggedIn(client)).toBe(false);
  });

  it('accepts id_token_hint instead of client_id', async () => {
    const { tokens, client } = await logIn(config, DEMO, { scope: 'openid', redirect_uri: callbackUri() });
    const res = await client.get(
      logoutUrl({
        id_token_hint: tokens.id_token as string,
        post_logout_redirect_uri: `${listener.origin}/`,
        state: 's1',
      }),
    );
    expect(res.location).toBe(`${listener.origin}/?state=s1`);
    expect(listener.tokens).toHaveLength(1);
    expect(await isLoggedIn(client)).toBe(false);
  });

  it('refuses an unregistered post_logout_redirect_uri and keeps the session', async () => {
    const { tokens, client } = await logIn(config, DEMO, { scope: 'openid', redirect_uri: callbackUri() });
    const sid = String(idTokenClaims(tokens.id_token).sid);
    const res = await client.get(
      logoutUrl({
        client_id: CLIENT_ID,
        logout_hint: sid,
        post_logout_redirect_uri: 'https://evil.example/',
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain('post_logout_redirect_uri not registered');
    expect(listener.tokens).toHaveLength(0);
    expect(await isLoggedIn(client)).toBe(true);
  });
});
