import { ServerClient, type StateData, type TransactionData } from '@auth0/auth0-server-js';
import { decodeJwt } from 'jose';
import { CookieClient } from '../support/cookie-client.js';
import { completeTenantLogin } from '../support/tenant-login.js';
import {
  BILLING_API,
  DATA_API,
  DEMO,
  recordingFetch,
  startInteropTenant,
  WEB_APP,
  type InteropTenant,
} from './support/interop-tenant.js';

/** server-js keeps its transaction and session in stores the application provides: plain maps here. */
class MapStore<T> {
  readonly entries = new Map<string, T>();
  async set(id: string, value: T): Promise<void> {
    this.entries.set(id, structuredClone(value));
  }
  async get(id: string): Promise<T | undefined> {
    const value = this.entries.get(id);
    return value === undefined ? undefined : structuredClone(value);
  }
  async delete(id: string): Promise<void> {
    this.entries.delete(id);
  }
  async deleteByLogoutToken(): Promise<void> {
    this.entries.clear();
  }
}

const SCOPE = 'openid profile email offline_access read:me:authentication_methods';

describe('Auth0 server-js against the local tenant (HTTPS)', () => {
  let it0: InteropTenant;
  let recorder: ReturnType<typeof recordingFetch>;
  let server: ServerClient;
  let stateStore: MapStore<StateData>;
  let browser: CookieClient;

  beforeAll(async () => {
    it0 = await startInteropTenant();
    recorder = recordingFetch(it0.cert.fetch);
    stateStore = new MapStore<StateData>();
    server = new ServerClient({
      domain: it0.domain,
      clientId: WEB_APP.clientId,
      clientSecret: WEB_APP.clientSecret,
      customFetch: recorder.fetch,
      authorizationParams: {
        redirect_uri: WEB_APP.redirectUri,
        audience: it0.myAccountAudience,
        scope: SCOPE,
      },
      transactionStore: new MapStore<TransactionData>(),
      stateStore,
    });
    browser = new CookieClient({}, it0.cert.fetch);
  });

  afterAll(async () => {
    await it0?.close();
  });

  const refreshCalls = () => recorder.calls.filter((c) => c.grantType === 'refresh_token').length;

  it('logs in (startInteractiveLogin, completeInteractiveLogin); the session holds the scopes it was granted', async () => {
    const authorizeUrl = await server.startInteractiveLogin();
    expect(authorizeUrl.href.startsWith(`https://${it0.domain}/authorize?`)).toBe(true);
    const callback = await completeTenantLogin(browser, authorizeUrl, {
      username: DEMO.email,
      password: DEMO.password,
    });
    await server.completeInteractiveLogin(new URL(callback));
    const session = await server.getSession();
    expect(session?.refreshToken).toEqual(expect.any(String));
    const tokenSet = session!.tokenSets[0];
    expect(String(tokenSet.scope).split(' ')).toEqual(expect.arrayContaining(SCOPE.split(' ')));
    const claims = decodeJwt(tokenSet.accessToken);
    expect(claims.aud).toEqual([it0.myAccountAudience, `https://${it0.domain}/userinfo`]);
    const user = await server.getUser();
    expect(user).toMatchObject({ email: DEMO.email, name: DEMO.name });
  });

  it('getAccessToken for a second API (multi-resource refresh token): capped to the policy; an API no policy names is refused', async () => {
    const before = refreshCalls();
    const data = await server.getAccessToken({
      audience: DATA_API.audience,
      scope: 'openid read:data admin:data',
    });
    expect(refreshCalls()).toBe(before + 1);
    const claims = decodeJwt(data.accessToken);
    expect(claims.aud).toEqual([DATA_API.audience, `https://${it0.domain}/userinfo`]);
    expect(String(claims.scope).split(' ')).toEqual(['openid', 'read:data']);
    expect(data.audience).toBe(DATA_API.audience);
    // Cached under its audience; the login's own token is still there and still for My Account.
    expect(
      (await server.getAccessToken({ audience: DATA_API.audience, scope: 'read:data' })).accessToken,
    ).toBe(data.accessToken);
    expect(refreshCalls()).toBe(before + 1);
    const own = await server.getAccessToken();
    expect(decodeJwt(own.accessToken).aud).toContain(it0.myAccountAudience);
    // The rotated refresh token still knows both APIs: another scope of the second one.
    const write = await server.getAccessToken({ audience: DATA_API.audience, scope: 'write:data' });
    expect(decodeJwt(write.accessToken).scope).toBe('write:data');
    expect(refreshCalls()).toBe(before + 2);

    const refused = (await server.getAccessToken({ audience: BILLING_API, scope: 'read:billing' }).then(
      () => undefined,
      (err: unknown) => err,
    )) as Error & { cause?: Record<string, unknown> };
    expect(refused?.cause).toMatchObject({ error: 'access_denied' });
    expect(String(refused.cause?.error_description)).toContain(BILLING_API);
    expect((await server.getSession())?.refreshToken).toEqual(expect.any(String));
  });

  it('getAccessToken() twice in parallel right after login: the cached token, no refresh, the session survives', async () => {
    const before = refreshCalls();
    const stored = (await server.getSession())!.tokenSets[0].accessToken;
    const [a, b] = await Promise.all([server.getAccessToken(), server.getAccessToken()]);
    expect(refreshCalls()).toBe(before);
    expect(a.accessToken).toBe(stored);
    expect(b.accessToken).toBe(stored);
    // The refresh token is still good: an explicit refresh (another scope set) works.
    const session = await server.getSession();
    const refreshed = await server.authClient.getTokenByRefreshToken({
      refreshToken: session!.refreshToken!,
    });
    expect(refreshed.accessToken).not.toBe(stored);
    expect(refreshCalls()).toBe(before + 1);
  });

  it('logout() builds the discovered end_session_endpoint; the tenant ends the session and returns to the Allowed Logout URL', async () => {
    const logoutUrl = await server.logout({ returnTo: WEB_APP.logoutUrl });
    expect(logoutUrl.pathname).toBe('/oidc/logout');
    expect(await server.getSession()).toBeUndefined();
    const landed = await browser.get(logoutUrl);
    expect(landed.status).toBe(303);
    expect(landed.location).toBe(WEB_APP.logoutUrl);
    // The tenant's login session is gone: a new login asks for the password again.
    const again = await browser.get(await server.startInteractiveLogin(), { followRedirects: 5 });
    expect(again.body).toMatch(/name="password"/);
  });
});
