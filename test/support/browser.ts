/**
 * Real Chromium for browser tests (Debian's /usr/bin/chromium driven by playwright-core), a CDP WebAuthn
 * virtual authenticator, and a build of the account page into a private directory.
 * WebAuthn needs a secure context with a valid RP ID: open pages on `http://localhost:PORT`, never 127.0.0.1.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  /** The first page of the context. */
  page: Page;
  close(): Promise<void>;
}

/** A fresh Chromium profile (its own cookies and storage) in a temporary directory, removed on close. */
export async function launchBrowser(
  options: {
    viewport?: { width: number; height: number };
    javaScriptEnabled?: boolean;
    /** Trust this certificate (base64 SHA-256 of its SPKI) like a real one: HTTPS test origins, WebAuthn. */
    trustedSpki?: string;
  } = {},
): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'pw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: options.viewport ?? { width: 1024, height: 800 },
    timeout: 30_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(options.trustedSpki ? [`--ignore-certificate-errors-spki-list=${options.trustedSpki}`] : []),
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
  credentials(): Promise<{ credentialId: string; rpId?: string; isResidentCredential: boolean }[]>;
}

/**
 * A CTAP2 platform authenticator with resident keys and user verification that approves every request
 * (CDP WebAuthn domain). It belongs to `page`'s target: add it before the page calls `navigator.credentials`.
 */
export async function addVirtualAuthenticator(page: Page): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    cdp,
    authenticatorId,
    async credentials() {
      return (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    },
  };
}

/** Builds the account page (`web/build.mjs`) into a new temporary directory and returns it. */
export function buildWebPage(): { directory: string; remove(): void } {
  const directory = mkdtempSync(join(tmpdir(), 'web-dist-'));
  mkdirSync(directory, { recursive: true });
  const run = spawnSync(process.execPath, [join(repoRoot, 'web', 'build.mjs'), '--out', directory], {
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`web/build.mjs failed:\n${run.stderr}${run.stdout}`);
  return { directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

/** Where screenshots go (git-ignored). */
export function screenshotPath(name: string): string {
  const dir = join(repoRoot, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
