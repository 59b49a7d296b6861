import { decodeJwt } from 'jose';
import type { Page } from 'playwright-core';
import { addVirtualAuthenticator, launchBrowser, type TestBrowser } from '../support/browser.js';
import { startStaticSite, type StaticSite } from '../support/https-static.js';
import { freshTotp } from '../support/tenant-login.js';
import { createTestCertificate } from '../support/tls.js';
import { createSpaClient, inSpa, SPA_PAGE, spaJsBundle } from './support/spa-page.js';
import {
  ALWAYS_MFA,
  BILLING_API,
  DATA_API,
  DEMO,
  ENROLL_MFA,
  startInteropTenant,
  type InteropTenant,
} from './support/interop-tenant.js';

const CLIENT_ID = 'interop-spa';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of the SDK in the page, checked field by field
type Json = Record<string, any>;

async function logInThroughTenant(page: Page, site: StaticSite): Promise<void> {
  await inSpa(page, 'void client.loginWithRedirect();');
  await page.waitForURL(/\/u\/login\//);
  await page.fill('#username', DEMO.email);
  await page.fill('#password', DEMO.password);
  await page.click('button[type="submit"]');
  await page.waitForURL((url) => url.origin === site.origin || /value="allow"/.test(url.href));
  if (new URL(page.url()).origin !== site.origin) {
    await page.click('button[value="allow"]');
    await page.waitForURL((url) => url.origin === site.origin);
  }
}

/**
 * The password grant for the SPA's client_id, for a user whose logins need MFA: the `mfa_required`
 * answer's `mfa_token` and `mfa_requirements`, which spa-js records when getTokenSilently gets them.
 */
async function mfaRequired(it0: InteropTenant, user: { email: string; password: string }, scope: string) {
  const res = await it0.cert.fetch(`https://${it0.domain}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'password',
      client_id: CLIENT_ID,
      username: user.email,
      password: user.password,
      audience: it0.myAccountAudience,
      scope,
    }),
  });
  const body = (await res.json()) as Json;
  expect([res.status, body.error]).toEqual([403, 'mfa_required']);
  return { mfaToken: body.mfa_token as string, requirements: body.mfa_requirements as Json, scope };
}

describe.each([
  ['Bearer', false],
  ['DPoP', true],
])('Auth0 spa-js in Chromium from its own https origin (%s tokens)', (_mode, useDpop) => {
  let it0: InteropTenant;
  let site: StaticSite;
  let browser: TestBrowser;
  let page: Page;
  const spa = () => ({ domain: it0.domain, clientId: CLIENT_ID, useDpop });

  beforeAll(async () => {
    const cert = createTestCertificate();
    site = await startStaticSite(
      cert,
      { '/spa.js': { type: 'text/javascript', body: spaJsBundle() } },
      SPA_PAGE,
    );
    it0 = await startInteropTenant({ spaOrigin: site.origin, cert });
    browser = await launchBrowser({ trustedSpki: cert.spkiSha256 });
    page = browser.page;
    await addVirtualAuthenticator(page);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await it0?.close();
  });

  it('loginWithRedirect + handleRedirectCallback; getUser, isAuthenticated, getIdTokenClaims', async () => {
    await page.goto(`${site.origin}/`);
    await createSpaClient(page, spa());
    await logInThroughTenant(page, site);
    expect(page.url()).toMatch(/\/callback\?.*code=/);
    await createSpaClient(page, spa());
    const result = await inSpa<Json>(
      page,
      `await client.handleRedirectCallback();
       return { user: await client.getUser(), authenticated: await client.isAuthenticated(),
                claims: await client.getIdTokenClaims() };`,
    );
    expect(result.user).toMatchObject({ email: DEMO.email, name: DEMO.name });
    expect(result.authenticated).toBe(true);
    expect(result.claims.iss).toBe(`https://${it0.domain}/`);
  });

  it('getTokenSilently through the hidden iframe (response_mode=web_message), for the My Account audience', async () => {
    const token = await inSpa<Json>(
      page,
      `return await client.getTokenSilently({ cacheMode: 'off', detailedResponse: true,
         authorizationParams: { audience: arg, scope: 'read:me:factors' } });`,
      it0.myAccountAudience,
    );
    expect(token).not.toMatchObject({ thrown: true });
    expect(token.token_type?.toLowerCase()).toBe(useDpop ? 'dpop' : 'bearer');
    expect(token.scope.split(' ')).toEqual(expect.arrayContaining(['openid', 'read:me:factors']));
    const claims = JSON.parse(Buffer.from(token.access_token.split('.')[1], 'base64url').toString());
    expect(claims.aud).toContain(it0.myAccountAudience);
    expect(Boolean(claims.cnf?.jkt)).toBe(useDpop);
  });

  it('every myAccount method: factors, methods (list, get, rename, delete), passkey and recovery-code enrollment', async () => {
    const read = await inSpa<Json>(
      page,
      `const factors = await client.myAccount.getFactors();
       const methods = await client.myAccount.getAuthenticationMethods();
       const totps = await client.myAccount.getAuthenticationMethods('totp');
       const one = await client.myAccount.getAuthenticationMethod(totps[0].id);
       const renamed = await client.myAccount.updateAuthenticationMethod(totps[0].id, { name: 'Phone app' });
       return { factors, methods, totps, one, renamed };`,
    );
    expect(read).not.toMatchObject({ thrown: true });
    expect(read.factors.map((f: Json) => f.type)).toEqual(expect.arrayContaining(['totp', 'passkey']));
    expect(read.methods.some((m: Json) => m.type === 'password')).toBe(true);
    expect(read.totps).toHaveLength(1);
    expect(read.one).toMatchObject({ id: read.totps[0].id, type: 'totp', confirmed: true });
    expect(read.renamed).toMatchObject({ id: read.totps[0].id, name: 'Phone app' });

    const passkey = await inSpa<Json>(
      page,
      `const challenge = await client.myAccount.enrollmentChallenge({ type: 'passkey' });
       const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(challenge.authn_params_public_key);
       const json = (await navigator.credentials.create({ publicKey })).toJSON();
       // The My Account OAS's authn_response: the registration response without the browser's extras.
       const { clientDataJSON, attestationObject, transports } = json.response;
       const authn_response = { id: json.id, rawId: json.rawId, type: json.type,
         authenticatorAttachment: json.authenticatorAttachment,
         response: { clientDataJSON, attestationObject, transports } };
       return await client.myAccount.enrollmentVerify({ location: challenge.location, type: 'passkey',
         auth_session: challenge.auth_session, authn_response });`,
    );
    expect(passkey).not.toMatchObject({ thrown: true });
    expect(passkey).toMatchObject({ type: 'passkey', relying_party_id: 'localhost' });

    const recovery = await inSpa<Json>(
      page,
      `const challenge = await client.myAccount.enrollmentChallenge({ type: 'recovery-code' });
       const method = await client.myAccount.enrollmentVerify({ location: challenge.location,
         type: 'recovery-code', auth_session: challenge.auth_session });
       await client.myAccount.deleteAuthenticationMethod(method.id);
       const after = await client.myAccount.getAuthenticationMethods('recovery-code');
       return { code: challenge.recovery_code, method, after };`,
    );
    expect(recovery).not.toMatchObject({ thrown: true });
    expect(recovery.code).toEqual(expect.any(String));
    expect(recovery.method.type).toBe('recovery-code');
    expect(recovery.after).toEqual([]);
  });

  it('connectAccountWithRedirect (myAccount.connectAccount) and the callback (myAccount.completeAccount)', async () => {
    await inSpa(
      page,
      "void client.connectAccountWithRedirect({ connection: 'example-oauth2', redirect_uri: `${location.origin}/callback` });",
    );
    await page.waitForURL(/\/connect\?/);
    await page.click('button[type="submit"]');
    await page.waitForURL((url) => url.origin === site.origin && url.searchParams.has('connect_code'));
    await createSpaClient(page, spa());
    const done = await inSpa<Json>(page, `return await client.handleRedirectCallback();`);
    expect(done).not.toMatchObject({ thrown: true });
    expect(done).toMatchObject({ connection: 'example-oauth2', access_type: 'offline' });
  });

  it('passkey.login: /passkey/challenge, the WebAuthn assertion and the webauthn grant (JSON), cross-origin', async () => {
    const tokens = await inSpa<Json>(page, `return await client.passkey.login({ scope: 'openid email' });`);
    expect(tokens).not.toMatchObject({ thrown: true });
    expect(tokens.access_token).toEqual(expect.any(String));
    const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
    expect(idClaims).toMatchObject({ email: DEMO.email, amr: ['webauthn'] });
  });

  it('passkey.signup: /passkey/register, the WebAuthn creation and the webauthn grant create and log in a new user', async () => {
    const email = `spa-signup-${useDpop ? 'dpop' : 'bearer'}@example.com`;
    const tokens = await inSpa<Json>(
      page,
      `return await client.passkey.signup({ email: arg, name: 'Spa Signup', scope: 'openid email profile' });`,
      email,
    );
    expect(tokens).not.toMatchObject({ thrown: true });
    const idClaims = JSON.parse(Buffer.from(tokens.id_token.split('.')[1], 'base64url').toString());
    expect(idClaims).toMatchObject({ email, name: 'Spa Signup', amr: ['webauthn'] });
    const account = await it0.tenant.context.accounts.findById(idClaims.sub);
    expect(account?.methods).toEqual([
      expect.objectContaining({ type: 'passkey', relying_party_id: 'localhost' }),
    ]);
  });

  it('useMrrt: getTokenSilently for a second API through the refresh token (its policy caps the scopes); an API no policy names is refused', async () => {
    const withRefreshTokens = {
      ...spa(),
      extra: {
        useRefreshTokens: true,
        useMrrt: true,
        authorizationParams: {
          audience: it0.myAccountAudience,
          // Per audience: the second API's token is not asked to carry My Account scopes.
          scope: { [it0.myAccountAudience]: 'openid profile email offline_access read:me:factors' },
        },
      },
    };
    await createSpaClient(page, withRefreshTokens);
    // The tenant session is still there: the redirect comes straight back with a code.
    await inSpa(page, 'void client.loginWithRedirect();');
    await page.waitForURL((url) => url.origin === site.origin && url.searchParams.has('code'));
    await createSpaClient(page, withRefreshTokens);
    const tokens = await inSpa<Json>(
      page,
      `await client.handleRedirectCallback();
       const data = await client.getTokenSilently({ detailedResponse: true,
         authorizationParams: { audience: arg.data, scope: 'read:data' } });
       const billing = await client.getTokenSilently({
         authorizationParams: { audience: arg.billing, scope: 'read:billing' } }).catch((e) => ({ error: e.error, message: e.message }));
       return { data, billing };`,
      { data: DATA_API.audience, billing: BILLING_API },
    );
    expect(tokens).not.toMatchObject({ thrown: true });
    const claims = JSON.parse(Buffer.from(tokens.data.access_token.split('.')[1], 'base64url').toString());
    expect(claims.aud).toContain(DATA_API.audience);
    expect(claims.scope.split(' ')).toContain('read:data');
    expect(claims.scope.split(' ')).not.toContain('read:me:factors');
    expect(Boolean(claims.cnf?.jkt)).toBe(useDpop);
    expect(tokens.billing).toMatchObject({ error: 'access_denied' });
  });

  it('mfa.getAuthenticators, challenge (otp) and verify with a TOTP code; getEnrollmentFactors and enroll (otp) for a user with none', async () => {
    await createSpaClient(page, spa());
    const scope = 'openid email read:me:factors';
    const always = { ...(await mfaRequired(it0, ALWAYS_MFA, scope)), audience: it0.myAccountAudience };
    // Scope and audience only: with `mfa_requirements` recorded, getAuthenticators keeps the authenticators
    // whose `type` is a required challenge type, and Auth0's list carries no `type` (docs/tenant.md).
    const listed = await inSpa<Json>(
      page,
      `client.mfa.setMFAAuthDetails(arg.mfaToken, arg.scope, arg.audience);
       const authenticators = await client.mfa.getAuthenticators(arg.mfaToken);
       const otp = authenticators.find((a) => a.authenticatorType === 'otp');
       const challenge = await client.mfa.challenge({ mfaToken: arg.mfaToken, challengeType: 'otp',
         authenticatorId: otp.id });
       return { authenticators, challenge };`,
      always,
    );
    expect(listed).not.toMatchObject({ thrown: true });
    expect(listed.authenticators).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^totp\|dev_/),
        authenticatorType: 'otp',
        active: true,
      }),
      expect.objectContaining({ authenticatorType: 'recovery-code', active: true }),
    ]);
    expect(listed.challenge).toEqual({ challengeType: 'otp' });

    const verified = await inSpa<Json>(
      page,
      `return await client.mfa.verify({ mfaToken: arg.mfaToken, otp: arg.otp });`,
      { ...always, otp: await freshTotp(ALWAYS_MFA.totp) },
    );
    expect(verified).not.toMatchObject({ thrown: true });
    expect(verified.token_type.toLowerCase()).toBe(useDpop ? 'dpop' : 'bearer');
    const idClaims = decodeJwt(verified.id_token);
    expect(idClaims).toMatchObject({ email: ALWAYS_MFA.email, amr: ['pwd', 'mfa'], aud: CLIENT_ID });
    const claims = decodeJwt(verified.access_token);
    expect(claims).toMatchObject({ sub: idClaims.sub, azp: CLIENT_ID });
    expect(claims.aud).toContain(it0.myAccountAudience);
    expect(String(claims.scope).split(' ')).toContain('read:me:factors');
    expect(Boolean((claims.cnf as Json | undefined)?.jkt)).toBe(useDpop);

    const enroll = { ...(await mfaRequired(it0, ENROLL_MFA, scope)), audience: it0.myAccountAudience };
    expect(enroll.requirements).toEqual({ enroll: [{ type: 'otp' }] });
    const enrolled = await inSpa<Json>(
      page,
      `client.mfa.setMFAAuthDetails(arg.mfaToken, arg.scope, arg.audience, arg.requirements);
       const factors = await client.mfa.getEnrollmentFactors(arg.mfaToken);
       const enrollment = await client.mfa.enroll({ mfaToken: arg.mfaToken, factorType: 'otp' });
       return { factors, enrollment };`,
      enroll,
    );
    expect(enrolled).not.toMatchObject({ thrown: true });
    expect(enrolled.factors).toEqual([{ type: 'otp' }]);
    expect(enrolled.enrollment).toMatchObject({
      authenticatorType: 'otp',
      secret: expect.stringMatching(/^[A-Z2-7]+=*$/),
      barcodeUri: expect.stringMatching(/^otpauth:\/\/totp\//),
    });
    // The new authenticator's first code finishes the login.
    const first = await inSpa<Json>(
      page,
      `return await client.mfa.verify({ mfaToken: arg.mfaToken, otp: arg.otp });`,
      { ...enroll, otp: await freshTotp(enrolled.enrollment.secret) },
    );
    expect(first).not.toMatchObject({ thrown: true });
    expect(decodeJwt(first.id_token)).toMatchObject({ email: ENROLL_MFA.email, amr: ['pwd', 'mfa'] });
  });

  it('logout through /v2/logout: back at the returnTo page, and a silent login now needs the user', async () => {
    await inSpa(page, 'void client.logout({ logoutParams: { returnTo: `${location.origin}/logged-out` } });');
    await page.waitForURL(`${site.origin}/logged-out`);
    await createSpaClient(page, spa());
    const silent = await inSpa<Json>(page, `return await client.getTokenSilently({ cacheMode: 'off' });`);
    expect(silent).toMatchObject({ thrown: true, error: 'login_required' });
  });
});
