/**
 * The account page in real Chromium, served by the real WebModule from a fresh build, against the BFF's HTTP
 * contract scripted at the browser's network seam (./support/scripted-bff.ts).
 */
import { jest } from '@jest/globals';
import { type INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { WebModule } from '../../src/web/web.module.js';
import {
  addVirtualAuthenticator,
  buildWebPage,
  launchBrowser,
  screenshotPath,
  type TestBrowser,
} from '../support/browser.js';
import { GOOD_CODE, ScriptedBff } from './support/scripted-bff.js';
import { DEMO } from '../support/seed-users.js';

// Each test starts its own Chromium: leave room for a machine busy with other suites.
jest.setTimeout(60_000);

let server: INestApplication;
let origin: string;
let web: ReturnType<typeof buildWebPage>;

beforeAll(async () => {
  web = buildWebPage();
  @Module({ imports: [WebModule.forRoot({ enabled: true, directory: web.directory })] })
  class PageModule {}
  server = await NestFactory.create(PageModule, { logger: false });
  await server.listen(0, '127.0.0.1');
  origin = `http://localhost:${(server.getHttpServer().address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await server?.close();
  web?.remove();
});

interface Harness {
  browser: TestBrowser;
  page: Page;
  bff: ScriptedBff;
  /** Requests to any other origin, and CSP violations or uncaught errors seen in the page. */
  foreign: string[];
  problems: string[];
}

let h: Harness;

async function open(
  setup: (bff: ScriptedBff) => void,
  viewport?: { width: number; height: number },
): Promise<Harness> {
  const browser = await launchBrowser({ viewport });
  const bff = new ScriptedBff(origin);
  setup(bff);
  await bff.install(browser.context);
  const foreign: string[] = [];
  const problems: string[] = [];
  browser.context.on('request', (r) => {
    if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  browser.page.on('pageerror', (e) => problems.push(e.message));
  browser.page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  h = { browser, page: browser.page, bff, foreign, problems };
  return h;
}

afterEach(async () => {
  if (!h) return;
  const { foreign, problems } = h;
  await h.browser.close();
  expect(foreign).toEqual([]);
  expect(problems).toEqual([]);
});

const signedInPage = async (fresh: boolean) => {
  const { page, bff } = await open((b) => b.signIn(fresh));
  await page.goto(origin + '/');
  await page.getByRole('heading', { name: DEMO.name }).waitFor();
  await page.locator('[data-method-id="totp|dev_demo"]').waitFor();
  return { page, bff };
};

const dialog = (page: Page) => page.getByRole('dialog');

describe('account page', () => {
  it('signed out: offers both sign-ins, reachable by keyboard; Sign in goes to /auth/login?returnTo=/ and back', async () => {
    const { page, bff } = await open(() => undefined);
    await page.goto(origin + '/');
    await expect(page.getByRole('button', { name: 'Sign in with a passkey' }).isVisible()).resolves.toBe(
      true,
    );
    await page.screenshot({ path: screenshotPath('signed-out') });
    const signIn = page.getByRole('button', { name: 'Sign in', exact: true });
    for (let i = 0; i < 6 && !(await signIn.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: DEMO.name }).waitFor();
    expect(bff.find('GET', '/auth/login')[0].search).toBe('?returnTo=%2F');
  });

  it('signed in: shows the user, MFA freshness, methods (not unconfirmed ones), connected accounts and sessions', async () => {
    const { page, bff } = await signedInPage(true);
    await expect(page.locator('#mfa-status').textContent()).resolves.toBe('Verified 2 minutes ago');
    await expect(page.getByText(DEMO.email).first().isVisible()).resolves.toBe(true);
    const methods = page.getByRole('list', { name: 'Your sign-in methods' });
    await expect(methods.getByRole('listitem').allInnerTexts()).resolves.toEqual([
      expect.stringMatching(/^Password\s+Added last month · never used/),
      expect.stringMatching(/^Authenticator app\s+Phone app\s+Added 3 days ago · last used 2 minutes ago/),
    ]);
    await expect(page.getByText('pending@example.com').count()).resolves.toBe(0);
    await page.getByText('Access: openid, profile').waitFor();
    const sessions = page.getByRole('list', { name: 'Your active sessions' });
    await sessions.getByText('This device').waitFor();
    await expect(sessions.getByRole('listitem').first().innerText()).resolves.toMatch(/^Chrome on Linux/);
    await expect(sessions.getByRole('button', { name: 'Sign out Safari on iOS' }).isVisible()).resolves.toBe(
      true,
    );
    await page.screenshot({ path: screenshotPath('signed-in'), fullPage: true });
    for (const r of bff.requests) expect(r.headers['x-csrf']).toBe('1');
  });

  it('fits a 360 px phone screen without sideways scrolling', async () => {
    const { page } = await open((b) => b.signIn(false), { width: 360, height: 740 });
    await page.goto(origin + '/');
    await page.locator('[data-method-id="totp|dev_demo"]').waitFor();
    await expect(page.locator('#mfa-status').textContent()).resolves.toMatch(/re-verify needed for changes$/);
    await expect(page.evaluate(() => document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(360);
    await page.screenshot({ path: screenshotPath('signed-in-phone'), fullPage: true });
  });

  it('explains a failed load in words and recovers with Try again', async () => {
    const { page } = await open((b) => {
      b.signIn(true);
      b.overrides.set('GET /api/session', {
        status: 503,
        body: { type: 'x', title: 'x', status: 503, detail: 'redis down', code: 'session_store_unavailable' },
        type: 'application/problem+json',
      });
    });
    await page.goto(origin + '/');
    await page.getByText("We can't reach your session right now. Please try again in a moment.").waitFor();
    await expect(page.getByText('redis down').count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.getByRole('heading', { name: DEMO.name }).waitFor();
  });

  it('a section that fails to load says so in words and loads again on Try again', async () => {
    const { page } = await open((b) => {
      b.signIn(true);
      b.overrides.set('GET /api/me/v1/authentication-methods', {
        status: 502,
        body: { type: 'x', title: 'x', status: 502, detail: 'upstream 503', code: 'upstream_unavailable' },
        type: 'application/problem+json',
      });
    });
    await page.goto(origin + '/');
    await page
      .getByText(
        "We couldn't load your sign-in methods. The account service is unavailable right now. Please try again shortly.",
      )
      .waitFor();
    await page.getByRole('button', { name: 'Try again' }).click();
    await page.locator('[data-method-id="totp|dev_demo"]').waitFor();
  });

  it('TOTP: QR code drawn locally, setup key shown, a wrong code explained, the right one verifies', async () => {
    const { page, bff } = await signedInPage(true);
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Authenticator app' })
      .click();
    const d = dialog(page);
    await d.getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    await expect(d.locator('svg.qr path').getAttribute('d')).resolves.toMatch(/^M\d+ \d+h1v1h-1z/);
    await d.getByText("Can't scan it? Enter a setup key instead").click();
    await expect(d.locator('[data-secret]').textContent()).resolves.toBe('JBSW Y3DP EHPK 3PXP');
    await page.screenshot({ path: screenshotPath('enroll-totp') });
    await d.getByLabel('Code from the app').fill('000000');
    await d.getByRole('button', { name: 'Verify' }).click();
    await d.getByText("That code didn't work. Check it and try again, or start over.").waitFor();
    await d.getByLabel('Code from the app').fill(GOOD_CODE);
    await page.keyboard.press('Enter');
    await page.getByText('Authenticator app added.').waitFor();
    await expect(d.count()).resolves.toBe(0);
    const verifies = bff.find('POST', /\/verify$/);
    expect(verifies.map((r) => r.path)).toEqual([
      '/api/me/v1/authentication-methods/totp%7Cdev_new3/verify',
      '/api/me/v1/authentication-methods/totp%7Cdev_new3/verify',
    ]);
    expect(verifies[1].body).toEqual({ auth_session: 'as_1', otp_code: GOOD_CODE });
    expect(verifies[1].headers['content-type']).toBe('application/json');
    await page.locator('[data-method-id="totp|dev_confirmed"]').waitFor();
  });

  it('passkey: created on a virtual authenticator and verified; then sign out and sign in with it', async () => {
    const { page, bff } = await open((b) => b.signIn(true));
    const authenticator = await addVirtualAuthenticator(page);
    await page.goto(origin + '/');
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Passkey' })
      .click();
    await dialog(page).getByRole('button', { name: 'Create passkey' }).click();
    await page.getByText('Passkey added. You can now use it to sign in.').waitFor();
    await page.locator('[data-method-id="passkey|dev_1"]').waitFor();
    await expect(authenticator.credentials()).resolves.toHaveLength(1);
    const [verify] = bff.find('POST', '/api/me/v1/authentication-methods/passkey%7Cnew/verify');
    const authn = (verify.body as { authn_response: Record<string, Record<string, unknown>> }).authn_response;
    expect(Object.keys(authn).sort()).toEqual(['authenticatorAttachment', 'id', 'rawId', 'response', 'type']);
    expect(Object.keys(authn.response).sort()).toEqual(['attestationObject', 'clientDataJSON', 'transports']);

    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('heading', { name: DEMO.name }).waitFor();
    const login = bff.find('POST', '/api/login/passkey')[0];
    expect(login.headers['x-csrf']).toBe('1');
    expect(bff.find('POST', '/auth/logout')[0].headers['x-csrf']).toBe('1');
  });

  it('step-up: a stale MFA is explained, the login returns with #retry and the delete is offered again', async () => {
    const { page, bff } = await signedInPage(false);
    await page.getByRole('button', { name: 'Remove Authenticator app Phone app' }).click();
    await dialog(page).getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('heading', { name: "For your security, confirm it's you" }).waitFor();
    await page.screenshot({ path: screenshotPath('step-up') });
    await page.getByRole('button', { name: "Confirm it's me" }).click();
    await page.getByText("Thanks, you're verified. You can continue now.").waitFor();
    const login = new URLSearchParams(bff.find('GET', '/auth/login')[0].search);
    expect(login.get('returnTo')).toBe('/#retry=delete:totp%7Cdev_demo');
    expect(login.get('acr_values')).toBe('http://schemas.openid.net/pape/policies/2007/06/multi-factor');
    expect(login.get('max_age')).toBe('300');
    await dialog(page).getByRole('button', { name: 'Remove' }).click();
    await page.getByText('Authenticator app removed.').waitFor();
    await expect(page.locator('[data-method-id="totp|dev_demo"]').count()).resolves.toBe(0);
    expect(await page.evaluate(() => location.hash)).toBe('');
    expect(bff.find('DELETE', '/api/me/v1/authentication-methods/totp%7Cdev_demo')).toHaveLength(2);
  });

  it('step-up before an enrolment: back from the login, the enrolment starts again by itself', async () => {
    const { page, bff } = await signedInPage(false);
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Authenticator app' })
      .click();
    await page
      .getByText('To add an authenticator app, sign in again with your second factor.', { exact: false })
      .waitFor();
    await expect(dialog(page).count()).resolves.toBe(0);
    await page.getByRole('button', { name: "Confirm it's me" }).click();
    await dialog(page).getByRole('img', { name: 'QR code for your authenticator app' }).waitFor();
    expect(new URLSearchParams(bff.find('GET', '/auth/login')[0].search).get('returnTo')).toBe(
      '/#retry=enroll:totp',
    );
    expect(bff.find('POST', '/api/me/v1/authentication-methods')).toHaveLength(2);
  });

  it('phone: number and channel, then the code', async () => {
    const { page, bff } = await signedInPage(true);
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Phone' })
      .click();
    const d = dialog(page);
    await d.getByLabel('Phone number').fill('+15551234567');
    await d.getByLabel('Send codes by').selectOption('voice');
    await d.getByRole('button', { name: 'Send code' }).click();
    await d.getByLabel('Code', { exact: true }).fill('999999');
    await d.getByRole('button', { name: 'Verify' }).click();
    await d.getByText("That code didn't work.", { exact: false }).waitFor();
    await d.getByLabel('Code', { exact: true }).fill(GOOD_CODE);
    await d.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Phone number added.').waitFor();
    expect(bff.find('POST', '/api/me/v1/authentication-methods')[0].body).toEqual({
      type: 'phone',
      phone_number: '+15551234567',
      preferred_authentication_method: 'voice',
    });
  });

  it('recovery code: shown once with a warning; Done only once the user confirms saving it', async () => {
    const { page, bff } = await signedInPage(true);
    await page.getByRole('button', { name: 'Recovery code' }).click();
    const d = dialog(page);
    await d.getByText('This code is shown only once.', { exact: false }).waitFor();
    await expect(d.locator('code.secret').textContent()).resolves.toBe('ABCD EFGH JKLM NPQR STUV WXYZ');
    await expect(d.getByRole('button', { name: 'Copy code' }).isVisible()).resolves.toBe(true);
    await expect(d.getByRole('button', { name: 'Done' }).isDisabled()).resolves.toBe(true);
    await page.screenshot({ path: screenshotPath('enroll-recovery-code') });
    await d.getByLabel("I've saved my recovery code").check();
    await d.getByRole('button', { name: 'Done' }).click();
    await page.getByText('Recovery code saved.').waitFor();
    expect(bff.find('POST', /\/verify$/)[0].body).toEqual({ auth_session: 'as_1' });
  });

  it('email: checks the address, sends a code, verifies it', async () => {
    const { page, bff } = await signedInPage(true);
    await page
      .getByRole('group', { name: 'Add a sign-in method' })
      .getByRole('button', { name: 'Email' })
      .click();
    const d = dialog(page);
    await d.getByLabel('Email address').fill('not-an-email');
    await d.getByRole('button', { name: 'Send code' }).click();
    await d.getByText('Enter a valid email address.').waitFor();
    expect(bff.find('POST', '/api/me/v1/authentication-methods')).toHaveLength(0);
    await d.getByLabel('Email address').fill('second@example.com');
    await d.getByRole('button', { name: 'Send code' }).click();
    await d.getByText('We sent a code to second@example.com.').waitFor();
    await d.getByLabel('Code', { exact: true }).fill(GOOD_CODE);
    await d.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Email address added.').waitFor();
    await page.getByText('second@example.com').waitFor();
    expect(bff.find('POST', '/api/me/v1/authentication-methods')[0].body).toEqual({
      type: 'email',
      email: 'second@example.com',
    });
  });

  it('rename: PATCHes the new name', async () => {
    const { page, bff } = await signedInPage(true);
    await page.getByRole('button', { name: 'Rename Authenticator app Phone app' }).click();
    await dialog(page).getByLabel('Name').fill('Work phone');
    await dialog(page).getByRole('button', { name: 'Save' }).click();
    await page.getByText('Name saved.').waitFor();
    await page.locator('[data-method-id="totp|dev_demo"]').getByText('Work phone').waitFor();
    expect(bff.find('PATCH', '/api/me/v1/authentication-methods/totp%7Cdev_demo')[0].body).toEqual({
      name: 'Work phone',
    });
  });

  it('a My Account 409 on delete reads as a sentence in the dialog', async () => {
    const { page, bff } = await signedInPage(true);
    bff.overrides.set('DELETE /api/me/v1/authentication-methods/totp%7Cdev_demo', {
      status: 409,
      body: {
        type: 'https://auth0.com/api-errors#A0E-409-0001',
        title: 'Conflict',
        status: 409,
        detail: 'last factor',
      },
    });
    await page.getByRole('button', { name: 'Remove Authenticator app Phone app' }).click();
    await dialog(page).getByRole('button', { name: 'Remove' }).click();
    await dialog(page)
      .getByRole('alert')
      .getByText(/it may be your last way to sign in/)
      .waitFor();
  });

  it('sessions: signs out another session after a step-up', async () => {
    const { page, bff } = await signedInPage(false);
    await page.getByRole('button', { name: 'Sign out Safari on iOS' }).click();
    await dialog(page).getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: "Confirm it's me" }).click();
    await dialog(page).getByText('Safari on iOS will be signed out').waitFor();
    await dialog(page).getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Safari on iOS signed out.').waitFor();
    await expect(page.getByRole('button', { name: 'Sign out Safari on iOS' }).count()).resolves.toBe(0);
    expect(new URLSearchParams(bff.find('GET', '/auth/login')[0].search).get('returnTo')).toBe(
      '/#retry=revoke:s-other',
    );
    expect(bff.find('DELETE', '/api/sessions/s-other')).toHaveLength(2);
  });

  it('sessions: signs out everywhere else after a step-up, and the button goes away', async () => {
    const { page, bff } = await signedInPage(false);
    await page.getByRole('button', { name: 'Sign out everywhere else' }).click();
    await dialog(page).getByRole('button', { name: 'Sign out the others' }).click();
    await page.getByRole('button', { name: "Confirm it's me" }).click();
    await dialog(page).getByText('Every other browser and device will be signed out').waitFor();
    await dialog(page).getByRole('button', { name: 'Sign out the others' }).click();
    await page.getByText('Your other sessions are signed out.').waitFor();
    await expect(page.getByRole('button', { name: 'Sign out Safari on iOS' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Sign out everywhere else' }).isVisible()).resolves.toBe(
      false,
    );
    expect(new URLSearchParams(bff.find('GET', '/auth/login')[0].search).get('returnTo')).toBe(
      '/#retry=revoke:others',
    );
    expect(bff.find('POST', '/api/sessions/revoke-others')).toHaveLength(2);
  });

  it('connected accounts: connect goes through /auth/connect; disconnect removes', async () => {
    const { page, bff } = await signedInPage(true);
    await page.getByRole('button', { name: 'Connect another example-oauth2 account' }).click();
    await page.locator('[data-account-id="cac_2"]').waitFor();
    expect(bff.find('GET', '/auth/connect')[0].search).toBe('?connection=example-oauth2&returnTo=%2F');
    await page.getByRole('button', { name: 'Disconnect example-oauth2' }).first().click();
    await dialog(page).getByRole('button', { name: 'Disconnect' }).click();
    await page.getByText('example-oauth2 disconnected.').waitFor();
    await expect(page.locator('[data-account-id="cac_1"]').count()).resolves.toBe(0);
  });
});
