import { CookieClient } from '../support/cookie-client.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import type { SessionInfo } from '../../src/public-api.types.js';
import { describeWithStack } from '../support/stack.js';
import { DEMO, FRESH, DEMO_USER, FRESH_USER, DEMO_TOTP_SECRET } from '../support/seed-users.js';

const MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

describeWithStack('login through the real tenant', {}, (stack) => {
  async function login(
    client: CookieClient,
    query = '',
    otp?: () => string | Promise<string>,
  ): Promise<string> {
    const start = await client.get(`${stack.bff.url}/auth/login${query}`);
    expect(start.status).toBe(302);
    const callback = await completeTenantLogin(client, start.location as string, { ...DEMO_USER, otp });
    const done = await client.get(callback);
    expect(done.status).toBe(302);
    return done.location as string;
  }

  it('signs the demo user in and /api/session shows who it is, without tokens', async () => {
    const client = new CookieClient();
    expect(await login(client, '?returnTo=%2Faccount%3Ftab%3Dmfa')).toBe(`${stack.bff.url}/account?tab=mfa`);
    const res = await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const info = res.json<SessionInfo>();
    expect(info.user).toMatchObject({ email: DEMO.email, name: DEMO.name });
    expect(info.user.sub).toBeTruthy();
    expect(info.scopes).toEqual(expect.arrayContaining(['read:me:authentication_methods']));
    expect(info.mfa).toEqual({ last_mfa_at: null, fresh_until: null });
    expect(info.csrf_token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(Date.parse(info.session.expires_at) - Date.parse(info.session.created_at)).toBe(43_200_000);
    expect(res.body).not.toMatch(/eyJ/);
  });

  it('records MFA when the login asked for it and the tenant showed the TOTP page', async () => {
    const client = new CookieClient();
    await login(client, `?acr_values=${encodeURIComponent(MFA)}`, () => totpNow(DEMO_TOTP_SECRET));
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    expect(info.mfa.last_mfa_at).not.toBeNull();
    expect(Math.abs(Date.parse(info.mfa.last_mfa_at as string) - Date.now())).toBeLessThan(60_000);
    expect(Date.parse(info.mfa.fresh_until as string) - Date.parse(info.mfa.last_mfa_at as string)).toBe(
      300_000,
    );
  });

  it('gives a new session id at login: a cookie from before is useless afterwards', async () => {
    const client = new CookieClient();
    await login(client);
    const before = client.cookies(stack.bff.url)['__Host-bff'];
    await login(client);
    const after = client.cookies(stack.bff.url)['__Host-bff'];
    expect(after).not.toBe(before);
    const stale = new CookieClient();
    stale.setCookie(stack.bff.url, '__Host-bff', before);
    expect((await stale.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      401,
    );
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
  });

  it.each([
    '//evil.example',
    'https://evil.example/x',
    '/\\evil.example',
    '/%2F%2Fevil.example',
    'javascript:alert(1)',
    '/%5Cevil',
    '/\t/evil.example',
  ])('sends the browser to / after login when returnTo is %j', async (returnTo) => {
    expect(await login(new CookieClient(), `?returnTo=${encodeURIComponent(returnTo)}`)).toBe(
      `${stack.bff.url}/`,
    );
  });

  it('keeps MFA facts for the same user at a later login without MFA, never for another user', async () => {
    const client = new CookieClient();
    await login(client, `?acr_values=${encodeURIComponent(MFA)}`, () => totpNow(DEMO_TOTP_SECRET));
    const session = async () =>
      (await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).json<SessionInfo>();
    const withMfa = await session();
    expect(withMfa.mfa.last_mfa_at).not.toBeNull();

    // The same user again, at a tenant that has no session of them (so no MFA this time).
    const loginAs = async (credentials: { username: string; password: string }) => {
      const start = await client.get(`${stack.bff.url}/auth/login`);
      const callback = await completeTenantLogin(new CookieClient(), start.location as string, credentials);
      expect((await client.get(callback)).status).toBe(302);
    };
    await loginAs(DEMO_USER);
    const again = await session();
    expect(again.user.sub).toBe(withMfa.user.sub);
    expect(again.mfa.last_mfa_at).toBe(withMfa.mfa.last_mfa_at);
    expect(again.session.id_hint).not.toBe(withMfa.session.id_hint);

    await loginAs(FRESH_USER);
    const other = await session();
    expect(other.user.email).toBe(FRESH.email);
    expect(other.mfa).toEqual({ last_mfa_at: null, fresh_until: null });
  });

  it('lets several tabs of one browser log in at once (one binding cookie, a transaction per state)', async () => {
    const client = new CookieClient();
    const first = await client.get(`${stack.bff.url}/auth/login?returnTo=%2Ffirst`);
    const second = await client.get(`${stack.bff.url}/auth/login?returnTo=%2Fsecond`);
    const secondCallback = await completeTenantLogin(client, second.location as string, DEMO_USER);
    const firstCallback = await completeTenantLogin(client, first.location as string, DEMO_USER);
    expect((await client.get(secondCallback)).location).toBe(`${stack.bff.url}/second`);
    expect((await client.get(firstCallback)).location).toBe(`${stack.bff.url}/first`);
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
  });
});
