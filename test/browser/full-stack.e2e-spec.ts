/**
 * The account page through the whole stack in real Chromium: the BFF (serving the freshly built page at /)
 * with its /api/me/v1 proxy, sessions API, embedded passkey login and /auth/connect; the local tenant's real
 * login, MFA and connect pages and its My Account API; a private Redis.
 */
import { jest } from '@jest/globals';
import type { Page, Response } from 'playwright-core';
import {
  addVirtualAuthenticator,
  launchBrowser,
  screenshotPath,
  type TestBrowser,
} from '../support/browser.js';
import { confirmItsMe, totpNow, signIn, type Stack, startStack, throughTenant } from './support/stack.js';
import { DEMO } from '../support/seed-users.js';

jest.setTimeout(120_000);

let stack: Stack;
let url: string;
const browsers: TestBrowser[] = [];

beforeAll(async () => {
  stack = await startStack();
  url = stack.bff.url;
}, 60_000);

afterEach(async () => {
  await Promise.all(browsers.splice(0).map((b) => b.close()));
});

afterAll(() => stack?.close());

async function newBrowser(): Promise<TestBrowser> {
  const b = await launchBrowser();
  browsers.push(b);
  return b;
}

const dialog = (page: Page) => page.getByRole('dialog');

describe('account page, whole stack', () => {
  it('signs in through the tenant login page, shows the user and their methods, and signs out', async () => {
    const { page } = await newBrowser();
    await signIn(page, url);
    expect(new URL(page.url()).origin).toBe(url);
    await page.getByText(DEMO.email).first().waitFor();
    await page.locator('[data-type="totp"]').waitFor();
    await page.getByRole('list', { name: 'Your active sessions' }).getByText('This device').waitFor();
    await page.screenshot({ path: screenshotPath('stack-signed-in'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(new URL(page.url()).origin).toBe(url);
    const status = await page.evaluate(
      async () => (await fetch('/api/session', { headers: { 'X-CSRF': '1' } })).status,
    );
    expect(status).toBe(401);
    await page.screenshot({ path: screenshotPath('stack-signed-out') });
  });

  it('enrolls TOTP from the setup key on the page (after a step-up), then removes it through a step-up', async () => {
    const { page } = await newBrowser();
    await signIn(page, url);
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Authenticator app' })
      .click();
    await confirmItsMe(page, url);
    const secret = await dialog(page).locator('[data-secret]').getAttribute('data-secret');
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await dialog(page).getByLabel('Code from the app').fill(totpNow(secret!));
    await dialog(page).getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Authenticator app added.').waitFor();
    await page.locator('[data-type="totp"]').nth(1).waitFor();

    // Another browser, signed in with a password only: removing needs a fresh MFA.
    const other = (await newBrowser()).page;
    await signIn(other, url);
    const added = other.locator('[data-type="totp"]').nth(1);
    await added.getByRole('button', { name: /^Remove/ }).click();
    await dialog(other).getByRole('button', { name: 'Remove' }).click();
    await other.getByRole('heading', { name: "For your security, confirm it's you" }).waitFor();
    await other.screenshot({ path: screenshotPath('stack-step-up') });
    await confirmItsMe(other, url);
    await dialog(other).getByRole('button', { name: 'Remove' }).click();
    await other.getByText('Authenticator app removed.').waitFor();
    await expect(other.locator('[data-type="totp"]').count()).resolves.toBe(1);
  });

  it('two browsers are two sessions; one signs the other out', async () => {
    const a = (await newBrowser()).page;
    const b = (await newBrowser()).page;
    await signIn(a, url);
    await signIn(b, url);
    await a.reload();
    const sessions = a.getByRole('list', { name: 'Your active sessions' });
    await sessions.getByText('This device').waitFor();
    await expect(sessions.getByRole('listitem').count()).resolves.toBeGreaterThanOrEqual(2);
    await sessions
      .locator('li:not(.current)')
      .first()
      .getByRole('button', { name: /^Sign out/ })
      .click();
    await dialog(a).getByRole('button', { name: 'Sign out' }).click();
    await confirmItsMe(a, url);
    await dialog(a).getByRole('button', { name: 'Sign out' }).click();
    await a.getByText(/signed out\.$/).waitFor();
    await b.reload();
    await b.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
  });

  it('never lets a token reach the page, its storage or any response it reads', async () => {
    const { page, context } = await newBrowser();
    const bodies: Promise<string>[] = [];
    context.on('response', (res: Response) => {
      if (res.url().startsWith(url)) bodies.push(res.text().catch(() => ''));
    });
    await signIn(page, url);
    await page.locator('[data-type="totp"]').waitFor();
    await page.getByRole('list', { name: 'Your active sessions' }).getByText('This device').waitFor();
    const seen = await Promise.all(bodies);
    const storage = await page.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify({ ...localStorage }),
      session: JSON.stringify({ ...sessionStorage }),
      html: document.documentElement.outerHTML,
    }));
    const jwt = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\./;
    expect(storage).toEqual({ cookie: '', local: '{}', session: '{}', html: expect.not.stringMatching(jwt) });
    expect(seen.length).toBeGreaterThan(3);
    for (const body of seen) {
      expect(body).not.toMatch(jwt);
      expect(body).not.toMatch(/"(access|refresh|id)_token"/);
    }
  });
  it('enrolls a passkey (after a step-up), signs out, and signs in with it', async () => {
    const { page } = await newBrowser();
    const authenticator = await addVirtualAuthenticator(page);
    await signIn(page, url);
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Passkey' })
      .click();
    await dialog(page).getByRole('button', { name: 'Create passkey' }).click();
    await confirmItsMe(page, url);
    await dialog(page).getByRole('button', { name: 'Create passkey' }).click();
    await page.getByText('Passkey added. You can now use it to sign in.').waitFor();
    await page.locator('[data-type="passkey"]').waitFor();
    await expect(authenticator.credentials()).resolves.toHaveLength(1);
    await page.screenshot({ path: screenshotPath('stack-passkey-enrolled'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: DEMO.name }).waitFor();
    await page.locator('[data-type="passkey"]').waitFor();
  });

  it('connects an account through /auth/connect (with its step-up) and disconnects it', async () => {
    const { page } = await newBrowser();
    await signIn(page, url);
    await page.getByRole('button', { name: 'Connect example-oauth2' }).click();
    await throughTenant(page, url);
    const account = page.locator('[data-account-id]').first();
    await account.waitFor();
    await page.screenshot({ path: screenshotPath('stack-connected'), fullPage: true });
    // Connecting needed a fresh MFA, so disconnecting right after needs no new step-up.
    await account.getByRole('button', { name: 'Disconnect example-oauth2' }).click();
    await dialog(page).getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('example-oauth2 disconnected.').waitFor();
    await expect(page.locator('[data-account-id]').count()).resolves.toBe(0);
  });
});
