import { TokenCipher } from '../../src/session/token-cipher.js';
import { MFA_ACR } from '../support/bff.js';
import { type ClientResponse, CookieClient } from '../support/cookie-client.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO, DEMO_TOTP_SECRET } from '../support/seed-users.js';

const CONNECTION = 'example-oauth2';
const PASSWORD = DEMO.password;
const STEP_UP = `?acr_values=${encodeURIComponent(MFA_ACR)}`;

const stackOptions: TestStackOptions = {
  tenant: {
    // Each test links with its own user (an account links once per connection); same TOTP as demo.
    configure: (c) => {
      for (let i = 1; i <= 12; i++) c.users.push({ ...c.users[0], email: `link${i}@example.com` });
    },
  },
};

/**
 * Connected accounts through the BFF against the real tenant: its /connect consent page stands in for the
 * external provider (one Approve button); the BFF runs /connect and /complete itself.
 */
describeWithStack('GET /auth/connect and /auth/connect/callback', stackOptions, (stack) => {
  let users = 0;

  /** A browser signed in as a new user; with MFA (fresh step-up) unless told otherwise. */
  async function signedIn(mfa = true): Promise<{ client: CookieClient; email: string }> {
    const client = new CookieClient();
    const email = `link${++users}@example.com`;
    await login(client, email, mfa ? STEP_UP : '');
    return { client, email };
  }

  async function login(client: CookieClient, email: string, query: string): Promise<ClientResponse> {
    const start = await client.get(`${stack.bff.url}/auth/login${query}`);
    expect(start.status).toBe(302);
    const otp = () => totpNow(DEMO_TOTP_SECRET);
    const done = await client.get(
      await completeTenantLogin(client, start.location as string, {
        username: email,
        password: PASSWORD,
        otp,
      }),
    );
    expect(done.status).toBe(302);
    return done;
  }

  const connectUrl = (returnTo = '/account', connection = CONNECTION) =>
    `${stack.bff.url}/auth/connect?${new URLSearchParams({ connection, returnTo })}`;

  /** /auth/connect, then Approve on the tenant's consent page: the provider's redirect back (not followed). */
  async function approve(client: CookieClient, returnTo?: string): Promise<string> {
    const start = await client.get(connectUrl(returnTo));
    expect(start.status).toBe(302);
    const consent = await client.get(start.location as string);
    expect(consent.status).toBe(200);
    const approved = await client.submitForm(consent);
    expect(approved.status).toBe(303);
    const back = new URL(approved.location as string);
    expect(`${back.origin}${back.pathname}`).toBe(`${stack.bff.url}/auth/connect/callback`);
    return back.href;
  }

  const accounts = async (client: CookieClient) => {
    const res = await client.get(`${stack.bff.url}/api/me/v1/connected-accounts/accounts`, {
      headers: { 'x-csrf': '1' },
    });
    expect(res.status).toBe(200);
    return res.json<{ accounts: Array<{ id: string; connection: string }> }>().accounts;
  };

  function expectErrorPage(res: ClientResponse, status = 400): void {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  }

  it('links an account end to end: consent page, callback, returnTo?connected=, then listed', async () => {
    const { client } = await signedIn();
    const before = new Set(await stack.redis.client().keys('bff:{connect:*'));
    const start = await client.get(connectUrl('/account?tab=linked#top'));
    expect(start.status).toBe(302);
    const target = new URL(start.location as string);
    expect(`${target.origin}${target.pathname}`).toBe(`${stack.tenant.url}/connect`);
    expect([...target.searchParams.keys()]).toEqual(['ticket']);
    expect(start.headers.get('set-cookie')).toMatch(/__Host-bff-tx=.*HttpOnly/i);
    // Nothing of the transaction is readable in Redis: auth_session and code_verifier are encrypted.
    const keys = (await stack.redis.client().keys('bff:{connect:*')).filter((k) => !before.has(k));
    expect(keys).toHaveLength(1);
    const blob = (await stack.redis.client().get(keys[0])) as string;
    expect(blob).toMatch(/^v1\./);
    // Decrypted with the BFF's key (the test knows it), to look for its secrets in what the browser saw.
    const state = /\{connect:([^}]+)\}/.exec(keys[0])?.[1] as string;
    const tx = JSON.parse(
      new TokenCipher(stack.bff.config.tokens).decrypt(blob, `connect-transaction\n${state}`),
    ) as {
      authSession: string;
      codeVerifier: string;
    };
    expect(tx.authSession).toBeTruthy();
    expect(tx.codeVerifier).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const consent = await client.get(target);
    expect(consent.body).toContain(`Connect ${CONNECTION}`);
    const approved = await client.submitForm(consent);
    expect(new URL(approved.location as string).searchParams.get('state')).toBe(state);
    const callback = await client.get(approved.location as string);
    expect(callback.status).toBe(302);
    const seen = [start, consent, approved, callback].map((r) =>
      [r.body, r.location ?? '', ...r.headers.getSetCookie()].join('\n'),
    );
    for (const secret of [tx.authSession, tx.codeVerifier]) {
      for (const text of seen) expect(text).not.toContain(secret);
    }
    expect(callback.location).toBe(`${stack.bff.url}/account?tab=linked&connected=${CONNECTION}#top`);
    expect(await stack.redis.client().exists(keys[0])).toBe(0);
    expect((await accounts(client)).map((a) => a.connection)).toEqual([CONNECTION]);
  });

  it('without a session, sends the browser to the login and back to the same connect URL', async () => {
    const res = await new CookieClient().get(connectUrl('/account'));
    expect(res.status).toBe(302);
    const login = new URL(res.location as string);
    expect(login.pathname).toBe('/auth/login');
    expect(login.searchParams.get('returnTo')).toBe(
      `/auth/connect?connection=${CONNECTION}&returnTo=%2Faccount`,
    );
  });

  it('without a fresh MFA, goes through the step-up login and comes back to link', async () => {
    const { client, email } = await signedIn(false);
    const res = await client.get(connectUrl('/account'));
    expect(res.status).toBe(302);
    const stepUp = new URL(res.location as string);
    expect(stepUp.pathname).toBe('/auth/login');
    expect(stepUp.searchParams.get('acr_values')).toBe(MFA_ACR);
    expect(stepUp.searchParams.get('max_age')).toBe('300');
    expect(stepUp.searchParams.get('returnTo')).toBe(
      `/auth/connect?connection=${CONNECTION}&returnTo=%2Faccount`,
    );
    expect(await stack.redis.client().keys('bff:{connect:*')).toEqual([]);

    const start = await client.get(stepUp.href);
    const back = await client.get(
      await completeTenantLogin(client, start.location as string, {
        username: email,
        password: PASSWORD,
        otp: () => totpNow(DEMO_TOTP_SECRET),
      }),
    );
    expect(back.location).toBe(`${stack.bff.url}/auth/connect?connection=${CONNECTION}&returnTo=%2Faccount`);
    const again = await client.get(back.location as string);
    expect(new URL(again.location as string).pathname).toBe('/connect');
  });

  it('refuses a missing or hostile connection name with the 400 page, nothing reflected', async () => {
    const { client } = await signedIn();
    for (const connection of ['', '<script>alert(1)</script>', 'a'.repeat(129), 'a b', 'x/../y']) {
      const res = await client.get(connectUrl('/', connection));
      expectErrorPage(res);
      expect(res.body).not.toContain('<script>alert');
    }
    const none = await client.get(`${stack.bff.url}/auth/connect`);
    expectErrorPage(none);
  });

  it('an unknown connection: the API refuses it and the page says so (400, no transaction kept)', async () => {
    const { client } = await signedIn();
    const before = await stack.redis.client().keys('bff:{connect:*');
    const res = await client.get(connectUrl('/', 'not-a-connection'));
    expectErrorPage(res);
    expect(res.body).toMatch(/not enabled for connected accounts/);
    expect(await stack.redis.client().keys('bff:{connect:*')).toEqual(before);
  });

  it('a hostile returnTo becomes /', async () => {
    const { client } = await signedIn();
    for (const returnTo of [
      'https://evil.example/',
      '//evil.example',
      '/\\evil.example',
      '/%2F%2Fevil.example',
    ]) {
      const res = await new CookieClient().get(connectUrl(returnTo));
      expect(new URL(res.location as string, stack.bff.url).searchParams.get('returnTo')).toBe(
        `/auth/connect?connection=${CONNECTION}&returnTo=%2F`,
      );
    }
    const callback = await client.get(await approve(client, 'https://evil.example/'));
    expect(callback.location).toBe(`${stack.bff.url}/?connected=${CONNECTION}`);
  });

  it('a replayed callback is refused (single-use state) and links nothing twice', async () => {
    const { client } = await signedIn();
    const back = await approve(client);
    expect((await client.get(back)).status).toBe(302);
    const replay = await client.get(back);
    expectErrorPage(replay);
    expect(replay.body).toMatch(/expired or was already used/);
    expect(await accounts(client)).toHaveLength(1);
  });

  it('a wrong, malformed or missing state is refused', async () => {
    const { client } = await signedIn();
    const back = new URL(await approve(client));
    const code = back.searchParams.get('connect_code') as string;
    const callback = `${stack.bff.url}/auth/connect/callback`;
    for (const query of [
      `connect_code=${code}&state=${'A'.repeat(43)}`,
      `connect_code=${code}&state=%3Cb%3E`,
      `connect_code=${code}`,
      '',
    ]) {
      const res = await client.get(`${callback}?${query}`);
      expectErrorPage(res);
      expect(res.body).not.toContain('<b>');
    }
    // The real one still works: nothing above spent it.
    expect((await client.get(back)).status).toBe(302);
  });

  it('error=access_denied: the 400 page, the state is spent, the error is not reflected raw', async () => {
    const { client } = await signedIn();
    const back = new URL(await approve(client));
    const state = back.searchParams.get('state') as string;
    const denied = await client.get(
      `${stack.bff.url}/auth/connect/callback?error=access_denied&error_description=%3Cimg%3E&state=${state}`,
    );
    expectErrorPage(denied);
    expect(denied.body).toContain('(access_denied)');
    expect(denied.body).not.toContain('<img>');
    const hostile = await client.get(
      `${stack.bff.url}/auth/connect/callback?error=%3Cscript%3Ex%3C%2Fscript%3E`,
    );
    expectErrorPage(hostile);
    expect(hostile.body).not.toContain('<script>x');
    expectErrorPage(await client.get(back));
    expect(await accounts(client)).toEqual([]);
  });

  it('a callback in another browser, or after another sign-in, is refused', async () => {
    const a = await signedIn();
    const b = await signedIn();
    const otherBrowser = await b.client.get(await approve(a.client));
    expectErrorPage(otherBrowser);
    expect(otherBrowser.body).toMatch(/another browser/);

    const back = await approve(a.client);
    await login(a.client, a.email, STEP_UP); // a new session in the same browser
    const otherSession = await a.client.get(back);
    expectErrorPage(otherSession);
    expect(otherSession.body).toMatch(/another sign-in/);
    expect(await accounts(a.client)).toEqual([]);
  });

  it('a callback without a session is refused', async () => {
    const { client } = await signedIn();
    const back = await approve(client);
    const cookies = client.cookies(stack.bff.url);
    const anonymous = new CookieClient();
    anonymous.setCookie(stack.bff.url, '__Host-bff-tx', cookies['__Host-bff-tx']);
    const res = await anonymous.get(back);
    expectErrorPage(res);
    expect(res.body).toMatch(/another sign-in/);
  });
});
