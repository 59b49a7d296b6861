import type { LogoutResponse } from '../../src/public-api.types.js';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { describeWithStack } from '../support/stack.js';

describeWithStack('POST /auth/logout', {}, (stack) => {
  async function signedIn(): Promise<{ client: CookieClient; csrf: string; cookie: string }> {
    const client = new CookieClient();
    expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
    const info = (await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).json<{
      csrf_token: string;
    }>();
    return { client, csrf: info.csrf_token, cookie: client.cookies(stack.bff.url)['__Host-bff'] };
  }

  function expectEndSessionUrl(url: string): void {
    const target = new URL(url);
    expect(target.origin + target.pathname).toBe(`${stack.tenant.url}/oidc/logout`);
    expect(target.searchParams.get('client_id')).toBe('myaccount-bff');
    expect(target.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.bff.url}/`);
    expect(target.searchParams.get('logout_hint')).toBeTruthy();
    expect(target.searchParams.has('id_token_hint')).toBe(false);
    expect(url).not.toMatch(/eyJ/);
  }

  async function expectDead(cookie: string): Promise<void> {
    const replay = new CookieClient();
    replay.setCookie(stack.bff.url, '__Host-bff', cookie);
    const res = await replay.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'login_required' });
  }

  it('from a script (X-CSRF: 1): 200 {logout_url}, cookie cleared, the same cookie then answers 401', async () => {
    const { client, cookie } = await signedIn();
    const res = await client.post(`${stack.bff.url}/auth/logout`, {
      headers: { 'x-csrf': '1', origin: stack.bff.url },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('clear-site-data')).toContain('"cookies"');
    expect(res.headers.getSetCookie().join('\n')).toMatch(/__Host-bff=;.*Expires=Thu, 01 Jan 1970/);
    expectEndSessionUrl(res.json<LogoutResponse>().logout_url);
    await expectDead(cookie);
    // The tenant's end-session endpoint accepts what we built.
    const end = await client.get(res.json<LogoutResponse>().logout_url);
    expect(end.status).toBe(303);
    expect(end.location).toBe(`${stack.bff.url}/`);
  });

  it('from a form (csrf field): 303 to the end-session URL, then 401', async () => {
    const { client, csrf, cookie } = await signedIn();
    const res = await client.post(`${stack.bff.url}/auth/logout`, {
      form: { csrf },
      headers: { origin: stack.bff.url },
    });
    expect(res.status).toBe(303);
    expectEndSessionUrl(res.location as string);
    await expectDead(cookie);
  });

  it('refuses a form without the right csrf token, or from another origin, and keeps the session', async () => {
    const { client, csrf } = await signedIn();
    expect((await client.post(`${stack.bff.url}/auth/logout`, { form: { csrf: 'wrong' } })).status).toBe(403);
    expect((await client.post(`${stack.bff.url}/auth/logout`, { form: {} })).json()).toMatchObject({
      code: 'csrf_failed',
    });
    expect(
      (
        await client.post(`${stack.bff.url}/auth/logout`, {
          form: { csrf },
          headers: { origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await client.post(`${stack.bff.url}/auth/logout`, {
          form: { csrf },
          headers: { 'sec-fetch-site': 'cross-site' },
        })
      ).status,
    ).toBe(403);
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
  });

  it('is idempotent: twice, or without a session, still answers with a logout URL', async () => {
    const { client } = await signedIn();
    expect((await client.post(`${stack.bff.url}/auth/logout`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
    const again = await client.post(`${stack.bff.url}/auth/logout`, { headers: { 'x-csrf': '1' } });
    expect(again.status).toBe(200);
    expect(again.json<LogoutResponse>().logout_url).toContain('/oidc/logout');
    const anonymous = await new CookieClient().post(`${stack.bff.url}/auth/logout`, { form: {} });
    expect(anonymous.status).toBe(303);
  });

  it('is not a GET (a link or an <img> cannot log anyone out)', async () => {
    const { client } = await signedIn();
    const res = await client.get(`${stack.bff.url}/auth/logout`);
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
  });
});
