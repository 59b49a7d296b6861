import { ConnectedAccountsModule } from '../../src/connected-accounts/connected-accounts.module.js';
import { DEMO_TOTP_SECRET, MFA_ACR, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { completeTenantLogin, totpNow } from '../support/tenant-login.js';

const CONNECTION = 'example-oauth2';
const DEMO = {
  username: 'demo@example.com',
  password: 'Demo-password-1',
  otp: () => totpNow(DEMO_TOTP_SECRET),
};

async function signedIn(bffUrl: string): Promise<CookieClient> {
  const client = new CookieClient();
  const start = await client.get(`${bffUrl}/auth/login?acr_values=${encodeURIComponent(MFA_ACR)}`);
  expect((await client.get(await completeTenantLogin(client, start.location as string, DEMO))).status).toBe(
    302,
  );
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
      imports: [ConnectedAccountsModule],
    });
  });
  afterAll(async () => {
    await bff?.close();
    await tenant?.close();
    await redis?.close();
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
      imports: [ConnectedAccountsModule],
    });
  });
  afterAll(async () => {
    await bff?.close();
    await tenant?.close();
    await redis?.close();
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
