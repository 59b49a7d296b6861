/**
 * The account page through the whole stack in real Chromium: the BFF (serving the freshly built page at /),
 * the local tenant's real login pages, a private Redis.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestBff, type TestBff } from '../support/bff.js';
import { launchBrowser, screenshotPath, type TestBrowser } from '../support/browser.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';

let redis: TestRedis;
let tenant: TestTenant;
let bff: TestBff;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  // The BFF serves <repo>/web/dist (WebModule's default): build it as `npm run build` would.
  const build = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('../../web/build.mjs', import.meta.url))],
    {
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`web/build.mjs failed: ${build.stderr}`);
  redis = await startTestRedis();
  const port = await freePort();
  tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
  bff = await startTestBff({
    port,
    issuer: tenant.issuer,
    redisUrl: redis.url,
    configure: (config) => {
      config.web = { enabled: true };
    },
  });
}, 60_000);

afterEach(async () => {
  await browser?.close();
  browser = undefined;
});

afterAll(async () => {
  await bff?.close();
  await tenant?.close();
  await redis?.close();
});

describe('account page, whole stack', () => {
  it('signs in through the tenant login page, shows the user, and signs out', async () => {
    browser = await launchBrowser();
    const { page } = browser;
    await page.goto(`${bff.url}/`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();

    await page.waitForURL((url) => url.origin === tenant.url);
    await page.getByLabel('Email address').fill('demo@example.com');
    await page.getByLabel('Password').fill('Demo-password-1');
    await page.getByRole('button', { name: 'Continue' }).click();

    await page.getByRole('heading', { name: 'Demo User' }).waitFor();
    expect(new URL(page.url()).origin).toBe(bff.url);
    await page.getByText('demo@example.com').first().waitFor();
    await page.screenshot({ path: screenshotPath('stack-signed-in'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(new URL(page.url()).origin).toBe(bff.url);
    const session = await page.evaluate(
      async () => (await fetch('/api/session', { headers: { 'X-CSRF': '1' } })).status,
    );
    expect(session).toBe(401);
    await page.screenshot({ path: screenshotPath('stack-signed-out') });
  });
});
