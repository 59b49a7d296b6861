/**
 * The whole stack for browser tests: a private Redis, the local tenant, the BFF serving the freshly built
 * account page; and how a person walks the tenant's pages (login, MFA, consent, connect) in Chromium.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { DEMO as SEEDED_DEMO, DEMO_TOTP_SECRET } from '../../support/seed-users.js';
import { startTestStack, type TestStack } from '../../support/stack.js';
import { totpNow } from '../../support/tenant-login.js';

export type Stack = TestStack;

export interface StackUser {
  email: string;
  password: string;
  totpSecret?: string;
}

export const DEMO: StackUser = {
  email: SEEDED_DEMO.email,
  password: SEEDED_DEMO.password,
  totpSecret: DEMO_TOTP_SECRET,
};

/** Builds `<repo>/web/dist` (WebModule's default directory, as `npm run build` does), then starts everything. */
export async function startStack(): Promise<Stack> {
  const build = spawnSync(
    process.execPath,
    [fileURLToPath(new URL('../../../web/build.mjs', import.meta.url))],
    {
      encoding: 'utf8',
    },
  );
  if (build.status !== 0) throw new Error(`web/build.mjs failed: ${build.stderr}`);
  return startTestStack({
    bff: {
      configure: (config) => {
        config.web = { enabled: true };
      },
    },
  });
}

/** The current TOTP code for a secret (the test tenant accepts a code more than once: `tenant.totp_replays: allow`). */
export { totpNow };

/** Walks the tenant's pages until the browser is back on `bffUrl`'s origin. */
export async function throughTenant(page: Page, bffUrl: string, user: StackUser = DEMO): Promise<void> {
  for (let step = 0; step < 10; step++) {
    await page.waitForLoadState();
    if (new URL(page.url()).origin === bffUrl) return;
    const before = page.url();
    if (await page.locator('input[name="password"]').count()) {
      await page.getByLabel('Email address').fill(user.email);
      await page.getByLabel('Password').fill(user.password);
      await page.getByRole('button', { name: 'Continue' }).click();
    } else if (await page.locator('input[name="otp"]').count()) {
      if (!user.totpSecret) throw new Error('the tenant asked for a second factor');
      await page.locator('input[name="otp"]').fill(totpNow(user.totpSecret));
      await page.getByRole('button', { name: 'Continue' }).first().click();
    } else if (await page.getByRole('button', { name: 'Allow' }).count()) {
      await page.getByRole('button', { name: 'Allow' }).click();
    } else if (await page.getByRole('button', { name: 'Approve' }).count()) {
      await page.getByRole('button', { name: 'Approve' }).click();
    } else {
      throw new Error(`unexpected tenant page ${page.url()}: ${(await page.content()).slice(0, 300)}`);
    }
    await page.waitForURL((url) => url.href !== before).catch(() => undefined);
  }
  throw new Error('the tenant did not send the browser back');
}

/** Signs in from the account page's "Sign in" button (password only: no MFA unless the login asks). */
export async function signIn(page: Page, bffUrl: string, user: StackUser = DEMO): Promise<void> {
  await page.goto(`${bffUrl}/`);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await throughTenant(page, bffUrl, user);
  await page.getByRole('heading', { name: SEEDED_DEMO.name }).waitFor();
}

/** The step-up banner's button, the tenant's MFA page, then back on the page with the action offered again. */
export async function confirmItsMe(page: Page, bffUrl: string, user: StackUser = DEMO): Promise<void> {
  await page.getByRole('button', { name: "Confirm it's me" }).click();
  await throughTenant(page, bffUrl, user);
  await page.getByText("Thanks, you're verified. You can continue now.").waitFor();
}
