import { createHmac } from 'node:crypto';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient, type ClientResponse } from '../support/cookie-client.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { createTokenTamper, type TokenTamper, unsignedJwt } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER, DEMO_TOTP_SECRET } from '../support/seed-users.js';

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return { bff: { oidcFetch: tamper.fetch } };
};

describeWithStack('GET /auth/callback refuses what it cannot verify', stackOptions, (stack) => {
  afterEach(() => {
    tamper.rewrite = undefined;
    tamper.tokenEndpointDown = false;
  });

  /** The error page: 400, HTML, no-store, a link to start again, no session cookie, /api/session 401. */
  async function expectRefused(client: CookieClient, res: ClientResponse, status = 400): Promise<void> {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toContain('href="/auth/login"');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('__Host-bff='))).toBe(false);
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      401,
    );
  }

  /** Starts a login and gets the tenant's callback URL (code + state) without using it. */
  async function callbackUrl(client: CookieClient, query = ''): Promise<string> {
    const start = await client.get(`${stack.bff.url}/auth/login${query}`);
    return completeTenantLogin(client, start.location as string, DEMO_USER);
  }

  it('accepts an untouched login re-signed with a trusted key (the seam itself works)', async () => {
    tamper.rewrite = ({ claims }) => tamper.sign(claims);
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
  });

  it.each([
    ['a wrong state', (url: URL) => url.searchParams.set('state', 'x'.repeat(43))],
    ['no state', (url: URL) => url.searchParams.delete('state')],
    ['no code', (url: URL) => url.searchParams.delete('code')],
    ['a duplicated state', (url: URL) => url.searchParams.append('state', 'other')],
  ])('%s', async (_label, change) => {
    const client = new CookieClient();
    const url = new URL(await callbackUrl(client));
    change(url);
    await expectRefused(client, await client.get(url));
  });

  it('a replayed callback (state is single-use)', async () => {
    const client = new CookieClient();
    const url = await callbackUrl(client);
    expect((await client.get(url)).status).toBe(302);
    const other = new CookieClient();
    await expectRefused(other, await other.get(url));
    const again = await client.get(url);
    expect(again.status).toBe(400);
  });

  it('a callback in another browser (no binding cookie), even with a valid state', async () => {
    const victim = new CookieClient();
    const url = await callbackUrl(victim);
    const attacker = new CookieClient();
    await expectRefused(attacker, await attacker.get(url));
  });

  it('error= from the tenant, without reflecting the description', async () => {
    const client = new CookieClient();
    const start = await client.get(`${stack.bff.url}/auth/login`);
    const state = new URL(start.location as string).searchParams.get('state') as string;
    const res = await client.get(
      `${stack.bff.url}/auth/callback?error=access_denied&error_description=${encodeURIComponent('<script>alert(1)</script>')}&state=${state}`,
    );
    await expectRefused(client, res);
    expect(res.body).not.toContain('<script>');
    expect(res.body).not.toContain('alert(1)');
    expect(res.body).toContain('access_denied');
    const hostile = await client.get(
      `${stack.bff.url}/auth/callback?error=${encodeURIComponent('"><script>x</script>')}`,
    );
    await expectRefused(client, hostile);
    expect(hostile.body).not.toContain('<script>');
  });

  const now = () => Math.floor(Date.now() / 1000);
  it.each([
    [
      'a wrong iss',
      (c: Record<string, unknown>, _raw: string) => tamper.sign({ ...c, iss: 'http://evil.example/' }),
    ],
    ['a wrong aud', (c: Record<string, unknown>, _raw: string) => tamper.sign({ ...c, aud: 'someone-else' })],
    [
      'an extra untrusted aud',
      (c: Record<string, unknown>, _raw: string) =>
        tamper.sign({ ...c, aud: ['myaccount-bff', 'someone-else'] }),
    ],
    [
      'a wrong nonce',
      (c: Record<string, unknown>, _raw: string) => tamper.sign({ ...c, nonce: 'not-the-nonce' }),
    ],
    ['no nonce', (c: Record<string, unknown>, _raw: string) => tamper.sign({ ...c, nonce: undefined })],
    [
      'an expired exp',
      (c: Record<string, unknown>, _raw: string) =>
        tamper.sign({ ...c, iat: now() - 7200, exp: now() - 3600 }),
    ],
    ['no sub', (c: Record<string, unknown>, _raw: string) => tamper.sign({ ...c, sub: undefined })],
    ['alg none', (c: Record<string, unknown>, _raw: string) => unsignedJwt(c)],
    [
      'a signature by an unknown key',
      (c: Record<string, unknown>, _raw: string) => tamper.signWithUnknownKey(c),
    ],
    [
      'a changed claim under the original signature',
      (c: Record<string, unknown>, raw: string) => {
        const [header, , signature] = raw.split('.');
        return `${header}.${Buffer.from(JSON.stringify({ ...c, sub: 'someone-else' })).toString('base64url')}.${signature}`;
      },
    ],
    [
      'HS256 with the client secret',
      (c: Record<string, unknown>, _raw: string) => {
        const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
        const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(c)}`;
        return `${input}.${createHmac('sha256', 'dev-bff-secret').update(input).digest('base64url')}`;
      },
    ],
  ])('an ID token with %s', async (_label, forge) => {
    tamper.rewrite = ({ claims, raw }) => forge(claims, raw);
    const client = new CookieClient();
    const res = await loginThroughBff(client, stack.bff.url);
    await expectRefused(client, res);
    expect(res.body).toContain('could not be verified');
  });

  it('a step-up login whose ID token shows no MFA', async () => {
    tamper.rewrite = ({ claims }) => tamper.sign({ ...claims, amr: ['pwd'], acr: undefined });
    const client = new CookieClient();
    const start = await client.get(
      `${stack.bff.url}/auth/login?acr_values=${encodeURIComponent('http://schemas.openid.net/pape/policies/2007/06/multi-factor')}`,
    );
    const callback = await completeTenantLogin(client, start.location as string, {
      ...DEMO_USER,
      otp: () => totpNow(DEMO_TOTP_SECRET),
    });
    await expectRefused(client, await client.get(callback));
  });

  it('a tenant that does not answer at the token endpoint: the 503 page, no session', async () => {
    const client = new CookieClient();
    const url = await callbackUrl(client);
    tamper.tokenEndpointDown = true;
    const res = await client.get(url);
    await expectRefused(client, res, 503);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });
});
