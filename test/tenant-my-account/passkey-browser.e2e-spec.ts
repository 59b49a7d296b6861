import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startHarness, type Harness } from './support/my-account-harness.js';

/**
 * Real Chromium with a CDP virtual authenticator (packed self-attestation, not the soft authenticator's
 * `none`) enrolls a passkey through the API from a page on the tenant's own origin.
 */

let h: Harness;
let context: BrowserContext;
let page: Page;
let profile: string;

beforeAll(async () => {
  h = await startHarness({
    fallback: (req, res) => {
      if (req.url !== '/blank') return false;
      res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>blank</title>');
      return true;
    },
  });
  profile = mkdtempSync(join(tmpdir(), 'pw-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    timeout: 30000,
  });
  page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: {
      protocol: 'ctap2',
      transport: 'internal',
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
});

afterAll(async () => {
  await context?.close();
  rmSync(profile, { recursive: true, force: true });
  await h.close();
});

it('enrolls a passkey made by Chromium and lists it', async () => {
  const user = await h.createUser('browser-passkey@example.com');
  const token = await h.mintToken({ sub: user.user_id });
  await page.goto(`${h.issuer()}blank`);
  const result = await page.evaluate(async (accessToken) => {
    const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' };
    const start = await fetch('/me/v1/authentication-methods', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ type: 'passkey' }),
    });
    const started = await start.json();
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(started.authn_params_public_key);
    const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
    const response = credential.response as AuthenticatorAttestationResponse;
    const b64url = (buf: ArrayBuffer) =>
      btoa(String.fromCharCode(...new Uint8Array(buf)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '');
    const authn_response = {
      id: credential.id,
      rawId: b64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
      clientExtensionResults: {},
      response: {
        clientDataJSON: b64url(response.clientDataJSON),
        attestationObject: b64url(response.attestationObject),
        transports: response.getTransports(),
      },
    };
    const verify = await fetch(`${start.headers.get('location')}/verify`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ auth_session: started.auth_session, authn_response }),
    });
    return { status: verify.status, body: await verify.json(), credentialId: credential.id };
  }, token);
  expect(result.status).toBe(201);
  expect(result.body).toMatchObject({
    type: 'passkey',
    key_id: result.credentialId,
    relying_party_id: 'localhost',
  });
  const list = await h.call('GET', '/me/v1/authentication-methods?type=passkey', {
    token,
    operationId: 'getAuthenticationMethods',
  });
  expect(list.body.authentication_methods.map((m: { id: string }) => m.id)).toEqual([result.body.id]);
  expect(h.contractViolations).toEqual([]);
});
