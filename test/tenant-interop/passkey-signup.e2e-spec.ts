import { AuthClient, PasskeyRegisterError, type PasskeyCredentialResponse } from '@auth0/auth0-auth-js';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeJwt } from 'jose';
import { createSoftAuthenticator } from '../support/soft-authenticator.js';
import {
  DEMO,
  startInteropTenant,
  WEB_APP,
  type InteropTenant,
  authClient,
  rejection,
} from './support/interop-tenant.js';

const WEBAUTHN = 'urn:okta:params:oauth:grant-type:webauthn' as const;
const REALM = 'Username-Password-Authentication';

const asCreation = (o: unknown) => o as PublicKeyCredentialCreationOptionsJSON;
const asRequest = (o: unknown) => o as PublicKeyCredentialRequestOptionsJSON;
/** The soft authenticator's JSON is what the browser's WebAuthn client serialises; the SDK types it loosely. */
const sdkCredential = (c: RegistrationResponseJSON | AuthenticationResponseJSON) =>
  c as unknown as PasskeyCredentialResponse;

describe('Auth0 auth-js passkey signup against the local tenant (HTTPS)', () => {
  let it0: InteropTenant;
  let auth: AuthClient;
  let origin: string;

  beforeAll(async () => {
    it0 = await startInteropTenant({
      configure: (c) => c.clients.find((x) => x.client_id === WEB_APP.clientId)!.grant_types.push(WEBAUTHN),
    });
    origin = `https://${it0.domain}`;
    auth = authClient(it0);
  });

  afterAll(async () => {
    await it0?.close();
  });

  it('passkey.register + getTokenByPasskey creates the user with the passkey and logs them in; passkey.challenge logs in again', async () => {
    const challenge = await auth.passkey.register({
      email: 'Passkey.User@Example.com',
      name: 'Passkey User',
      givenName: 'Passkey',
      userMetadata: { source: 'interop' },
      realm: REALM,
    });
    const options = challenge.authnParamsPublicKey;
    expect(options).toMatchObject({
      rp: { id: 'localhost' },
      user: { name: 'passkey.user@example.com', displayName: 'Passkey User' },
      pubKeyCredParams: expect.arrayContaining([{ type: 'public-key', alg: -7 }]),
      authenticatorSelection: { residentKey: 'required' },
    });
    const userId = Buffer.from(options.user.id, 'base64url').toString('utf8');
    expect(userId).toMatch(/^auth0\|[0-9a-f]{24}$/);
    // Nobody is created before the passkey is proven.
    expect(await it0.tenant.context.accounts.findByEmail('passkey.user@example.com')).toBeUndefined();

    const authenticator = createSoftAuthenticator();
    const credential = sdkCredential(await authenticator.register(asCreation(options), origin));
    const tokens = await auth.passkey.getTokenByPasskey({
      authSession: challenge.authSession,
      credential,
      realm: REALM,
      scope: 'openid profile email',
      audience: it0.myAccountAudience,
    });
    expect(tokens.claims).toMatchObject({
      sub: userId,
      email: 'passkey.user@example.com',
      email_verified: false,
      given_name: 'Passkey',
      amr: ['webauthn'],
    });
    expect(decodeJwt(tokens.accessToken).aud).toContain(it0.myAccountAudience);
    const account = await it0.tenant.context.accounts.findById(userId);
    expect(account).toMatchObject({ name: 'Passkey User', user_metadata: { source: 'interop' } });
    expect(account?.password).toBeUndefined();
    expect(account?.methods).toEqual([
      expect.objectContaining({ type: 'passkey', key_id: credential.id, relying_party_id: 'localhost' }),
    ]);

    const login = await auth.passkey.challenge({ realm: REALM });
    const assertion = sdkCredential(
      await authenticator.authenticate(asRequest(login.authnParamsPublicKey), origin),
    );
    const again = await auth.passkey.getTokenByPasskey({
      authSession: login.authSession,
      credential: assertion,
      scope: 'openid',
    });
    expect(again.claims?.sub).toBe(userId);
    const reuse = await rejection(
      auth.passkey.getTokenByPasskey({ authSession: challenge.authSession, credential, scope: 'openid' }),
    );
    expect(reuse.cause).toMatchObject({
      error: 'invalid_grant',
      error_description: 'auth_session is invalid or expired',
    });
  });

  it('register refuses a registered email, a profile without email, an unknown realm', async () => {
    const taken = await rejection(auth.passkey.register({ email: DEMO.email.toUpperCase() }));
    expect(taken).toBeInstanceOf(PasskeyRegisterError);
    expect(taken.statusCode).toBe(400);
    expect(taken.cause).toMatchObject({
      error: 'user_exists',
      error_description: 'The user already exists.',
    });
    const phoneOnly = await rejection(auth.passkey.register({ phoneNumber: '+15550003333' }));
    expect(phoneOnly.cause).toMatchObject({
      error: 'invalid_request',
      error_description: 'This connection identifies users by email: user_profile.email is required',
    });
    const realm = await rejection(auth.passkey.register({ email: 'realm@example.com', realm: 'Other-DB' }));
    expect(realm.cause).toMatchObject({
      error: 'invalid_request',
      error_description: 'Unknown realm: Other-DB',
    });
    const bad = await rejection(auth.passkey.register({ email: 'not-an-email' }));
    expect(bad.cause?.error_description).toBe('email is not a valid email address');
  });

  it('the grant creates nobody for a passkey made for another challenge, a login assertion, or an email taken meanwhile', async () => {
    const authenticator = createSoftAuthenticator();
    const first = await auth.passkey.register({ email: 'late@example.com' });
    const second = await auth.passkey.register({ email: 'late@example.com' });
    const forFirst = sdkCredential(
      await authenticator.register(asCreation(first.authnParamsPublicKey), origin),
    );
    const mismatch = await rejection(
      auth.passkey.getTokenByPasskey({ authSession: second.authSession, credential: forFirst }),
    );
    expect(mismatch.cause).toMatchObject({
      error: 'invalid_grant',
      error_description: 'The passkey could not be verified',
    });

    const third = await auth.passkey.register({ email: 'late@example.com' });
    const login = await auth.passkey.challenge();
    const assertion = sdkCredential(
      await authenticator.authenticate(asRequest(login.authnParamsPublicKey), origin),
    );
    const notNew = await rejection(
      auth.passkey.getTokenByPasskey({ authSession: third.authSession, credential: assertion }),
    );
    expect(notNew.cause?.error).toBe('invalid_grant');
    expect(await it0.tenant.context.accounts.findByEmail('late@example.com')).toBeUndefined();

    const fourth = await auth.passkey.register({ email: 'late@example.com' });
    const credential = sdkCredential(
      await authenticator.register(asCreation(fourth.authnParamsPublicKey), origin),
    );
    await auth.database.signUp({
      email: 'late@example.com',
      password: 'Signed-up-before-42',
      connection: REALM,
    });
    const taken = await rejection(
      auth.passkey.getTokenByPasskey({ authSession: fourth.authSession, credential }),
    );
    expect(taken.cause).toMatchObject({
      error: 'invalid_grant',
      error_description: 'The user already exists.',
    });
    const stored = await it0.tenant.context.accounts.findByEmail('late@example.com');
    expect(stored?.methods).toEqual([]);
    expect(stored?.password).toBeDefined();
  });
});
