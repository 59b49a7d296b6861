/**
 * The server-rendered example (examples/server-rendered/) in real Chromium with JavaScript disabled, behind
 * one origin (the development front) with the real BFF, tenant and Redis: sign in, the methods rendered on
 * the server, remove one through the step-up redirects, rename one to a name with markup (rendered inert),
 * sign out another session; a forged form post from a sibling origin is refused; no token in any page or log.
 */
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { createExampleApp } from '../../examples/server-rendered/app.js';
import { startDevFront, type DevFront } from '../../examples/server-rendered/dev-front.js';
import { createBffServerClient, type BffServerClient } from '../../web/server-client/index.js';
import { throughTenant } from '../browser/support/stack.js';
import { loginThroughBff } from '../support/bff.js';
import { launchBrowser, screenshotPath, type TestBrowser } from '../support/browser.js';
import { CookieClient } from '../support/cookie-client.js';
import { captureResponses } from '../support/leak-recorder.js';
import { freePort } from '../support/redis.js';
import { startTestStack, type TestStack } from '../support/stack.js';
import { DEMO, DEMO_USER } from '../support/seed-users.js';

// Chromium, the tenant's pages and a step-up on a machine busy with other suites.
jest.setTimeout(90_000);

const MARKUP_NAME = '<img src=x onerror="document.title=1"><b>Work</b> phone';
const MARKUP_AGENT = '<script>document.title=2</script><i>Evil</i> browser';

let stack: TestStack;
let client: BffServerClient;
let example: Server;
let front: DevFront;
let attacker: Server;
let attackerUrl: string;
let origin: string;
let browser: TestBrowser;
let page: Page;
let other: CookieClient;
const exampleLog: string[] = [];

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  const frontPort = await freePort();
  origin = `http://localhost:${frontPort}`;
  stack = await startTestStack({
    frontPort,
    tenant: {
      configure: (config) => {
        const demo = config.users.find((u) => u.email === DEMO_USER.username)!;
        demo.methods.push({ type: 'email', email: 'backup@example.com', name: 'Backup email' });
      },
    },
  });
  client = createBffServerClient({ bffUrl: stack.bff.url, publicOrigin: origin });
  const app = createExampleApp({
    bff: client,
    basePath: '/example',
    log: (line) => {
      exampleLog.push(JSON.stringify(line));
      stack.bff.leaks.recordLogLine(JSON.stringify(line));
    },
  });
  example = createServer(app);
  // The example's pages go through the same token-leak check as the BFF's answers (stack.close()).
  captureResponses(stack.bff.leaks, example);
  const examplePort = await listen(example);
  front = await startDevFront({
    port: frontPort,
    bffUrl: stack.bff.url,
    exampleUrl: `http://127.0.0.1:${examplePort}`,
  });
  attacker = createServer((_req, res) => res.setHeader('content-type', 'text/html').end(attackerPage()));
  attackerUrl = `http://localhost:${await listen(attacker)}`;
  // Another session of the same user, from a browser whose user agent carries markup.
  other = new CookieClient({ 'user-agent': MARKUP_AGENT });
  expect((await loginThroughBff(other, origin)).status).toBe(302);
  browser = await launchBrowser({ javaScriptEnabled: false });
  page = browser.page;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await front?.close();
  await client?.close();
  for (const server of [example, attacker]) await new Promise((r) => server?.close(r));
  await stack?.close(); // fails the suite when a page, an answer or a log line held a token
});

let totpId = '';
/** A sibling origin (same site: the Lax cookie goes along) with forms posting to the example. */
const attackerPage = () => `<!doctype html><title>prize</title>
<script>document.title = 'scripts ran'</script>
<form id="guess" method="post" action="${origin}/example/methods/${encodeURIComponent(totpId)}/remove">
<input type="hidden" name="csrf" value="guessed-token"><button>Claim your prize</button></form>
<form id="none" method="post" action="${origin}/example/sessions/any/sign-out"><button>Or this one</button></form>`;

const methods = () => page.getByRole('list', { name: 'Your sign-in methods' });
const sessions = () => page.getByRole('list', { name: 'Your active sessions' });

describe('server-rendered example, JavaScript disabled', () => {
  it('signs in through /auth/login and renders the account page on the server', async () => {
    await page.goto(`${origin}/example/`);
    await throughTenant(page, origin);
    await page.getByRole('heading', { name: DEMO.name }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/example/');
    await expect(methods().getByRole('listitem').allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/^password \(password\)/),
      expect.stringMatching(/^Authenticator app \(totp\)\s+Rename\s+Remove/),
      expect.stringMatching(/^Backup email \(email\)\s+Rename\s+Remove/),
    ]);
    await expect(page.locator('#mfa-status').innerText()).resolves.toMatch(/^No second factor confirmed/);
    await expect(sessions().getByRole('listitem').count()).resolves.toBe(2);
    totpId = (await methods().locator('li', { hasText: '(totp)' }).getAttribute('data-method-id'))!;
    expect(totpId).toMatch(/^totp\|/);
    await page.screenshot({ path: screenshotPath('server-rendered-account'), fullPage: true });
  });

  it('removes a method through the step-up redirect round trip (MFA with TOTP)', async () => {
    await methods().locator('li', { hasText: 'Backup email' }).getByRole('link', { name: 'Remove' }).click();
    await page.getByRole('heading', { name: 'Remove Backup email?' }).waitFor();
    const confirmPage = page.url();
    await page.getByRole('button', { name: 'Remove' }).click();
    // The BFF asked for a fresh MFA: the example answered 303 to /auth/login with returnTo = this page.
    await page.waitForURL((url) => url.origin !== origin);
    await throughTenant(page, origin);
    await page.waitForURL(confirmPage);
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('status').getByText('Sign-in method removed.').waitFor();
    await expect(methods().getByText('Backup email').count()).resolves.toBe(0);
    await expect(page.locator('#mfa-status').innerText()).resolves.toMatch(/^Second factor confirmed at/);
  });

  it('renames a method; the name with markup is rendered as text', async () => {
    await methods().locator('li', { hasText: '(totp)' }).getByRole('link', { name: 'Rename' }).click();
    await page.getByLabel('Name').fill(MARKUP_NAME);
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').getByText('Name saved.').waitFor();
    const item = methods().locator(`li[data-method-id="${totpId}"]`);
    await expect(item.locator('.method-name').innerText()).resolves.toBe(MARKUP_NAME);
    await expect(page.locator('main img, main b, main script').count()).resolves.toBe(0);
    expect(await page.content()).toContain(
      '&lt;img src=x onerror="document.title=1"&gt;&lt;b&gt;Work&lt;/b&gt; phone',
    );
  });

  it('signs out another session (its user agent with markup shown as text)', async () => {
    const row = sessions().locator('li', { hasText: MARKUP_AGENT });
    await expect(row.locator('.user-agent').innerText()).resolves.toBe(MARKUP_AGENT);
    await expect(page.locator('main i, main script').count()).resolves.toBe(0);
    await row.getByRole('link', { name: 'Sign out this session' }).click();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('status').getByText('That session is signed out.').waitFor();
    await expect(sessions().getByRole('listitem').count()).resolves.toBe(1);
    const signedOut = await other.get(`${origin}/api/session`, { headers: { 'x-csrf': '1' } });
    expect(signedOut.status).toBe(401);
  });

  it('refuses forged form posts from a sibling origin, with the cookie along; nothing changes', async () => {
    for (const form of ['guess', 'none']) {
      await page.goto(attackerUrl);
      await expect(page.title()).resolves.toBe('prize'); // JavaScript is off: the page's script did not run
      await page.locator(`#${form} button`).click();
      await page.getByRole('alert').waitFor();
      await expect(page.getByRole('alert').getAttribute('data-code')).resolves.toBe('csrf_failed');
    }
    await page.goto(`${origin}/example/`);
    await expect(methods().locator(`li[data-method-id="${totpId}"]`).count()).resolves.toBe(1);
    expect(exampleLog.filter((l) => l.includes('"csrf_failed"'))).toHaveLength(2);
  });

  it('holds no token or session id in any page or log line', async () => {
    const [cookie] = (await browser.context.cookies(origin)).filter((c) => c.name === '__Host-bff');
    expect(cookie.httpOnly).toBe(true);
    const sessionId = decodeURIComponent(cookie.value).slice(2).split('.')[0];
    expect(await page.content()).not.toContain(sessionId);
    for (const line of exampleLog) expect(line).not.toContain(sessionId);
    expect(stack.bff.leaks.findLeaks()).toEqual([]);
    expect(stack.bff.leaks.counts.tokens).toBeGreaterThan(0);
  });
});
