import { createHash } from 'node:crypto';
import { seedUserId } from '../../tenant/accounts/seed.js';
import { CookieClient } from '../support/cookie-client.js';
import { startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin, wrongTotp } from '../support/tenant-login.js';
import { authorizationUrl, DEMO, discover, MFA_ACR } from './support/rp.js';

const VICTIM = { username: 'victim@example.com', password: 'Victim-password-1' };
const THIRD_PARTY = { id: 'third-party-app', secret: 'third-party-secret' };

describe('tenant login pages: hostile input and edge cases', () => {
  let redis: TestRedis;
  let tenant: TestTenant;

  beforeAll(async () => {
    redis = await startTestRedis();
    tenant = await startTestTenant({
      redisUrl: redis.url,
      configure: (c) => {
        c.users.push({ ...c.users[1], email: VICTIM.username, password: VICTIM.password });
        c.clients.push({
          ...c.clients[0],
          client_id: THIRD_PARTY.id,
          client_secret: THIRD_PARTY.secret,
          name: 'Other <b>App</b>',
          first_party: false,
        });
      },
    });
  });
  afterAll(async () => {
    await tenant?.close();
    await redis?.close();
  });

  const loginPage = async (params: Record<string, string> = {}, client = new CookieClient()) => {
    const pending = await authorizationUrl(await discover(tenant.issuer), params);
    return { page: await client.get(pending.url, { followRedirects: 3 }), client, pending };
  };

  it('pre-fills login_hint, escaped', async () => {
    const { page } = await loginPage({ login_hint: '"><script>alert(1)</script>' });
    expect(page.status).toBe(200);
    expect(page.body).not.toContain('<script>alert(1)</script>');
    expect(page.body).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'none'");
  });

  it('allows the MFA page only its own inline script (CSP hash)', async () => {
    const { page, client } = await loginPage({ acr_values: MFA_ACR });
    await tenant.context.accounts.update(seedUserId({ email: DEMO.username }), (a) => {
      a.methods.push({
        id: 'passkey|dev_csp',
        type: 'passkey',
        confirmed: true,
        created_at: new Date().toISOString(),
        key_id: 'a2V5',
        public_key: 'cGs',
        counter: 0,
        user_handle: 'dQ',
        credential_device_type: 'single_device',
        credential_backed_up: false,
        relying_party_id: 'localhost',
      });
    });
    const mfa = await client.submitForm(
      page,
      { username: DEMO.username, password: DEMO.password },
      { followRedirects: 1 },
    );
    const script = /<script>([\s\S]*?)<\/script>/.exec(mfa.body)?.[1] as string;
    const hash = createHash('sha256').update(script).digest('base64');
    expect(mfa.headers.get('content-security-policy')).toContain(`script-src 'sha256-${hash}'`);
    await tenant.context.accounts.update(seedUserId({ email: DEMO.username }), (a) => {
      a.methods = a.methods.filter((m) => m.id !== 'passkey|dev_csp');
    });
  });

  it('blocks a username after 10 wrong passwords (page 429, password-realm 429 too_many_attempts), whether or not it exists', async () => {
    for (const username of ['victim@example.com', 'nobody-here@example.com']) {
      const { page, client } = await loginPage();
      let res = page;
      for (let i = 0; i < 10; i++) {
        res = await client.submitForm(res, { username, password: `wrong-${i}` });
        expect(res.status).toBe(400);
      }
      res = await client.submitForm(res, { username, password: 'anything' });
      expect(res.status).toBe(429);
      expect(res.body).toContain('Too many failed attempts');
      const grant = await fetch(`${tenant.url}/oauth/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
        },
        body: new URLSearchParams({
          grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
          username,
          password: 'x',
        }),
      });
      expect(grant.status).toBe(429);
      expect(await grant.json()).toMatchObject({ error: 'too_many_attempts' });
    }
  });

  it('echoes a hostile username back escaped after a failed login', async () => {
    const { page, client } = await loginPage();
    const res = await client.submitForm(page, { username: '<img src=x onerror=alert(1)>', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.body).not.toContain('<img src=x');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('answers 400 with a page (no stack trace) for a login step without its cookie, an unknown uid, or a non-form body', async () => {
    const { page, client } = await loginPage();
    const action = /action="([^"]+)"/.exec(page.body)?.[1] as string;
    const stranger = await new CookieClient().post(new URL(action, tenant.url), {
      form: { username: DEMO.username, password: DEMO.password },
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body).toContain('expired');
    const unknown = await client.get(`${tenant.url}/u/login/not-this-one`);
    expect(unknown.status).toBe(400);
    const json = await client.post(new URL(action, tenant.url), { json: { username: DEMO.username } });
    expect(json.status).toBe(400);
    for (const res of [stranger, unknown, json]) expect(res.body).not.toMatch(/\bat .*\.(js|ts):\d+/);
  });

  it('ends the login with access_denied after too many wrong codes', async () => {
    const { page, client } = await loginPage({ acr_values: MFA_ACR });
    let res = await client.submitForm(
      page,
      { username: DEMO.username, password: DEMO.password },
      { followRedirects: 1 },
    );
    const wrong = wrongTotp(DEMO.totpSecret);
    for (let i = 0; i < 4; i++) {
      res = await client.submitForm(res, { otp: wrong });
      expect(res.status).toBe(400);
    }
    res = await client.submitForm(res, { otp: wrong });
    while (res.location?.startsWith(tenant.url)) res = await client.get(res.location);
    const callback = new URL(res.location as string);
    expect(callback.searchParams.get('error')).toBe('access_denied');
  });

  it('shows third-party clients a consent page (escaped name); allow gives a code, deny gives access_denied', async () => {
    const config = await discover(tenant.issuer, THIRD_PARTY.id, THIRD_PARTY.secret);
    const allow = await completeTenantLogin(
      new CookieClient(),
      (await authorizationUrl(config, { scope: 'openid email' })).url,
      DEMO,
    );
    expect(new URL(allow).searchParams.get('code')).toBeTruthy();

    const client = new CookieClient();
    const pending = await authorizationUrl(config, { scope: 'openid profile' });
    const login = await client.get(pending.url, { followRedirects: 3 });
    let res = await client.submitForm(login, { username: DEMO.username, password: DEMO.password });
    while (res.location?.startsWith(tenant.url)) res = await client.get(res.location);
    expect(res.body).toContain('Authorize Other &lt;b&gt;App&lt;/b&gt;');
    expect(res.body).toContain('<li>profile</li>');
    res = await client.submitForm(res, {}, { submitter: { name: 'action', value: 'deny' } });
    while (res.location?.startsWith(tenant.url)) res = await client.get(res.location);
    expect(new URL(res.location as string).searchParams.get('error')).toBe('access_denied');
  });
});
