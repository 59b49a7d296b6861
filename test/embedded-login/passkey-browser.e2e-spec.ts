import type { SessionInfo } from '../../src/public-api.types.js';
import { addVirtualAuthenticator, launchBrowser, type TestBrowser } from '../support/browser.js';
import { createMyAccountClient } from '../support/my-account-client.js';
import { type TestTenant } from '../support/tenant.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { FRESH, FRESH_USER } from '../support/seed-users.js';

const stackOptions: TestStackOptions = {
  bff: {},
};

/**
 * Real Chromium with a CDP virtual authenticator: what `PublicKeyCredential.toJSON()` really sends must
 * pass the BFF's strict body, and the browser's own Origin / Sec-Fetch-Site must pass login CSRF.
 */
describeWithStack('embedded passkey login from real Chromium', stackOptions, (stack) => {
  let browser: TestBrowser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('enrolls a passkey in the browser, then signs in with it through /api/login/passkey', async () => {
    const { page } = browser;
    await page.goto(`${stack.bff.url}/healthz`);
    const authenticator = await addVirtualAuthenticator(page);

    // Enrollment through the My Account API (token from a real password-realm login), created by Chromium.
    const api = createMyAccountClient({
      baseUrl: `${stack.tenant.issuer}me/v1`,
      accessToken: await freshToken(stack.tenant),
    });
    const started = await api.request('POST', '/authentication-methods', { type: 'passkey' });
    expect(started.status).toBe(202);
    const attestation = await page.evaluate(async (options) => {
      const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(options);
      const credential = (await navigator.credentials.create({ publicKey })) as PublicKeyCredential;
      // The My Account API takes only these members of the attestation (its OAS: additionalProperties false).
      const { id, rawId, type, response, authenticatorAttachment, clientExtensionResults } =
        credential.toJSON() as unknown as Record<string, Record<string, unknown>>;
      const { clientDataJSON, attestationObject } = response;
      return {
        id,
        rawId,
        type,
        authenticatorAttachment,
        clientExtensionResults,
        response: { clientDataJSON, attestationObject },
      };
    }, started.body.authn_params_public_key);
    const location = started.headers.get('location') as string;
    const verified = await api.request('POST', `${location}/verify`, {
      auth_session: started.body.auth_session,
      authn_response: attestation,
    });
    expect(verified.status).toBe(201);
    expect(await authenticator.credentials()).toHaveLength(1);

    const outcome = await page.evaluate(async () => {
      const json = { 'X-CSRF': '1', 'Content-Type': 'application/json' };
      const challenge = await fetch('/api/login/passkey/challenge', {
        method: 'POST',
        headers: json,
        body: '{}',
      });
      const { handle, authn_params_public_key: options } = await challenge.json();
      const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(options);
      const credential = (await navigator.credentials.get({ publicKey })) as PublicKeyCredential;
      const login = await fetch('/api/login/passkey', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ handle, authn_response: credential.toJSON() }),
      });
      const session = await fetch('/api/session', { headers: { 'X-CSRF': '1' } });
      return {
        login: login.status,
        loginBody: await login.text(),
        session: session.status,
        info: await session.json(),
      };
    });
    expect(outcome).toMatchObject({ login: 200, session: 200 });
    expect((outcome.info as SessionInfo).user.email).toBe(FRESH.email);
    // The session cookie is HttpOnly: the page cannot read it.
    expect(await page.evaluate(() => document.cookie)).not.toContain(stack.bff.config.session.cookieName);
  });
});

async function freshToken(tenant: TestTenant): Promise<string> {
  const res = await fetch(`${tenant.url}/oauth/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'http://auth0.com/oauth/grant-type/password-realm',
      ...FRESH_USER,
      realm: 'Username-Password-Authentication',
      audience: `${tenant.issuer}me/`,
      scope: 'openid create:me:authentication_methods',
    }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}
