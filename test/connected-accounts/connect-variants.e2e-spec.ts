import { MFA_ACR } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort } from '../support/redis.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_TOTP_SECRET, DEMO_USER } from '../support/seed-users.js';

const CONNECTION = 'example-oauth2';
const DEMO = {
  ...DEMO_USER,
  otp: () => totpNow(DEMO_TOTP_SECRET),
};

async function signedIn(bffUrl: string): Promise<CookieClient> {
  const client = new CookieClient();
  const start = await client.get(`${bffUrl}/auth/login?acr_values=${encodeURIComponent(MFA_ACR)}`);
  const done = await client.get(await completeTenantLogin(client, start.location as string, DEMO));
  // 302, or with SameSite=Strict the page that navigates on its own.
  expect([200, 302]).toContain(done.status);
  return client;
}

const connectUrl = (bffUrl: string) => `${bffUrl}/auth/connect?connection=${CONNECTION}&returnTo=%2Faccount`;

const dpopStack: TestStackOptions = {
  tenant: {
    configure: (c) => {
      c.my_account_api.dpop = 'required';
      c.my_account_api.dpop_nonce = true;
    },
  },
  bff: { configure: (c) => void (c.myAccount.tokenType = 'dpop') },
};

/** Connected accounts with DPoP-bound session tokens (tenant demands DPoP and nonces), then a second link (409). */
describeWithStack('connected accounts with DPoP sessions', dpopStack, (stack) => {
  async function link(client: CookieClient) {
    const start = await client.get(connectUrl(stack.bff.url));
    expect(start.status).toBe(302);
    const consent = await client.get(start.location as string);
    const approved = await client.submitForm(consent);
    return client.get(approved.location as string);
  }

  it('links with DPoP proofs (through the nonce challenge); a second link of the same connection is the 400 page', async () => {
    const client = await signedIn(stack.bff.url);
    const done = await link(client);
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${stack.bff.url}/account?connected=${CONNECTION}`);

    const again = await link(client);
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    expect(again.body).toMatch(/complete answered 409.*already connected/);
  });
});

let deadPort: number;
const upstreamDownStack = async (): Promise<TestStackOptions> => {
  deadPort = await freePort();
  return {
    bff: { configure: (c) => void (c.myAccount.baseUrl = `http://127.0.0.1:${deadPort}/me/v1`) },
  };
};

/** The My Account API unreachable: the navigation answers a page (502), never a 500, and keeps nothing. */
describeWithStack('connected accounts when the My Account API is down', upstreamDownStack, (stack) => {
  it('answers the 502 page and stores no transaction', async () => {
    const client = await signedIn(stack.bff.url);
    const res = await client.get(connectUrl(stack.bff.url));
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at .*\.js/);
    expect(await stack.redis.client().keys('bff:{connect:*')).toEqual([]);
  });
});

const strictStack: TestStackOptions = {
  bff: {
    configure: (c) => void (c.session.sameSite = 'strict'),
  },
};

/**
 * SameSite=Strict: the provider's redirect back is cross-site, so the browser leaves the session cookie
 * out (the binding cookie is Lax and comes along). The callback answers once with a self-navigating page.
 */
describeWithStack('connected accounts with SameSite=Strict session cookies', strictStack, (stack) => {
  /** Starts and approves a link; returns the provider's redirect back to the BFF. */
  async function approve(client: CookieClient): Promise<string> {
    const start = await client.get(connectUrl(stack.bff.url));
    const approved = await client.submitForm(await client.get(start.location as string));
    return approved.location as string;
  }

  /** What a browser sends on the cross-site redirect: the Lax binding cookie only. */
  function crossSite(client: CookieClient): CookieClient {
    const browser = new CookieClient();
    browser.setCookie(stack.bff.url, '__Host-bff-tx', client.cookies(stack.bff.url)['__Host-bff-tx']);
    return browser;
  }

  const hopTarget = (body: string) =>
    (/content="0;url=([^"]+)"/.exec(body)?.[1] ?? '').replace(/&amp;/g, '&');

  it('hops once through a same-site page, then links with the session', async () => {
    const client = await signedIn(stack.bff.url);
    const back = await approve(client);
    const hop = await crossSite(client).get(back);
    expect(hop.status).toBe(200);
    const target = hopTarget(hop.body);
    expect(target).toMatch(/^\/auth\/connect\/callback\?connect_code=[^&]+&state=[^&]+&hop=1$/);
    const done = await client.get(`${stack.bff.url}${target}`);
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${stack.bff.url}/account?connected=${CONNECTION}`);
  });

  it('does not hop twice: still without the session cookie, the 400 page', async () => {
    const client = await signedIn(stack.bff.url);
    // The binding cookie is set by /auth/connect: copied once the link has started.
    const back = await approve(client);
    const browser = crossSite(client);
    const hop = await browser.get(back);
    const again = await browser.get(`${stack.bff.url}${hopTarget(hop.body)}`);
    expect(again.status).toBe(400);
    expect(again.body).toMatch(/another sign-in/);
  });
});
