import { MFA_ACR, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';
import { closeTestStack, startTestStack } from '../support/stack.js';
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

/** Connected accounts with DPoP-bound session tokens (tenant demands DPoP and nonces), then a second link (409). */
describe('connected accounts with DPoP sessions', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;

  beforeAll(async () => {
    redis = await startTestRedis();
    const port = await freePort();
    tenant = await startTestTenant({
      redisUrl: redis.url,
      bffOrigin: `http://localhost:${port}`,
      configure: (c) => {
        c.my_account_api.dpop = 'required';
        c.my_account_api.dpop_nonce = true;
      },
    });
    bff = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      configure: (c) => void (c.myAccount.tokenType = 'dpop'),
    });
  });
  afterAll(async () => {
    await closeTestStack({ bff, tenant, redis });
  });

  async function link(client: CookieClient) {
    const start = await client.get(connectUrl(bff.url));
    expect(start.status).toBe(302);
    const consent = await client.get(start.location as string);
    const approved = await client.submitForm(consent);
    return client.get(approved.location as string);
  }

  it('links with DPoP proofs (through the nonce challenge); a second link of the same connection is the 400 page', async () => {
    const client = await signedIn(bff.url);
    const done = await link(client);
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${bff.url}/account?connected=${CONNECTION}`);

    const again = await link(client);
    expect(again.status).toBe(400);
    expect(again.headers.get('content-type')).toMatch(/^text\/html/);
    expect(again.body).toMatch(/complete answered 409.*already connected/);
  });
});

/** The My Account API unreachable: the navigation answers a page (502), never a 500, and keeps nothing. */
describe('connected accounts when the My Account API is down', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;

  beforeAll(async () => {
    redis = await startTestRedis();
    const port = await freePort();
    const deadPort = await freePort();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
    bff = await startTestBff({
      port,
      issuer: tenant.issuer,
      redisUrl: redis.url,
      configure: (c) => void (c.myAccount.baseUrl = `http://127.0.0.1:${deadPort}/me/v1`),
    });
  });
  afterAll(async () => {
    await closeTestStack({ bff, tenant, redis });
  });

  it('answers the 502 page and stores no transaction', async () => {
    const client = await signedIn(bff.url);
    const res = await client.get(connectUrl(bff.url));
    expect(res.status).toBe(502);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.body).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at .*\.js/);
    expect(await redis.client().keys('bff:{connect:*')).toEqual([]);
  });
});

/**
 * SameSite=Strict: the provider's redirect back is cross-site, so the browser leaves the session cookie
 * out (the binding cookie is Lax and comes along). The callback answers once with a self-navigating page.
 */
describe('connected accounts with SameSite=Strict session cookies', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let bff: TestBff;

  beforeAll(async () => {
    ({ redis, tenant, bff } = await startTestStack({
      bff: {
        configure: (c) => void (c.session.sameSite = 'strict'),
      },
    }));
  });
  afterAll(async () => {
    await closeTestStack({ bff, tenant, redis });
  });

  /** Starts and approves a link; returns the provider's redirect back to the BFF. */
  async function approve(client: CookieClient): Promise<string> {
    const start = await client.get(connectUrl(bff.url));
    const approved = await client.submitForm(await client.get(start.location as string));
    return approved.location as string;
  }

  /** What a browser sends on the cross-site redirect: the Lax binding cookie only. */
  function crossSite(client: CookieClient): CookieClient {
    const browser = new CookieClient();
    browser.setCookie(bff.url, '__Host-bff-tx', client.cookies(bff.url)['__Host-bff-tx']);
    return browser;
  }

  const hopTarget = (body: string) =>
    (/content="0;url=([^"]+)"/.exec(body)?.[1] ?? '').replace(/&amp;/g, '&');

  it('hops once through a same-site page, then links with the session', async () => {
    const client = await signedIn(bff.url);
    const back = await approve(client);
    const hop = await crossSite(client).get(back);
    expect(hop.status).toBe(200);
    const target = hopTarget(hop.body);
    expect(target).toMatch(/^\/auth\/connect\/callback\?connect_code=[^&]+&state=[^&]+&hop=1$/);
    const done = await client.get(`${bff.url}${target}`);
    expect(done.status).toBe(302);
    expect(done.location).toBe(`${bff.url}/account?connected=${CONNECTION}`);
  });

  it('does not hop twice: still without the session cookie, the 400 page', async () => {
    const client = await signedIn(bff.url);
    // The binding cookie is set by /auth/connect: copied once the link has started.
    const back = await approve(client);
    const browser = crossSite(client);
    const hop = await browser.get(back);
    const again = await browser.get(`${bff.url}${hopTarget(hop.body)}`);
    expect(again.status).toBe(400);
    expect(again.body).toMatch(/another sign-in/);
  });
});
