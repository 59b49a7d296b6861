import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { Account } from '../../tenant/accounts/account.types.js';
import { verifySecret } from '../../tenant/accounts/secret-hash.js';
import { createSoftAuthenticator } from '../support/soft-authenticator.js';
import { startHarness, type Harness } from './support/my-account-harness.js';
import { BASE, enc, listRenameDelete, userWithToken as userFor } from './support/enrollment-helpers.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  expect(h.contractViolations).toEqual([]);
});

const userWithToken = (email: string) => userFor(h, email);

describe('passkey enrollment', () => {
  it('creates options without an id (Location passkey%7Cnew), verifies the soft authenticator attestation, stores the key', async () => {
    const { call, user } = await userWithToken('passkey@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'passkey' },
      operationId: 'createAuthenticationMethod',
    });
    expect(start.status).toBe(202);
    expect(start.body.id).toBeUndefined();
    expect(start.headers.location).toBe(`${h.issuer()}me/v1/authentication-methods/passkey%7Cnew`);
    const options = start.body.authn_params_public_key as PublicKeyCredentialCreationOptionsJSON;
    expect(options.rp.id).toBe('localhost');
    expect(options.user.id).toBe(Buffer.from(user.user_id).toString('base64url'));
    const authenticator = createSoftAuthenticator();
    const attestation = await authenticator.register(options, 'http://localhost:3000');
    const verify = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: attestation },
      headers: { 'user-agent': 'SoftAuthenticator/1.0' },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(verify.status).toBe(201);
    expect(verify.body).toMatchObject({
      type: 'passkey',
      key_id: attestation.id,
      user_agent: 'SoftAuthenticator/1.0',
      relying_party_id: 'localhost',
    });
    expect(verify.body.id).toMatch(/^passkey\|dev_/);
    expect(verify.headers.location).toBe(`${h.issuer()}me/v1/authentication-methods/${enc(verify.body.id)}`);
    await listRenameDelete(call, verify.body.id);
  });

  it('refuses an attestation made for another origin or another challenge', async () => {
    const { call } = await userWithToken('passkey-bad@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'passkey' },
      operationId: 'createAuthenticationMethod',
    });
    const evil = await createSoftAuthenticator().register(
      start.body.authn_params_public_key,
      'http://localhost:6666',
    );
    const wrongOrigin = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: evil },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([wrongOrigin.status, wrongOrigin.body.type]).toEqual([400, 'invalid_attestation']);
    const other = await call('POST', BASE, {
      body: { type: 'passkey' },
      operationId: 'createAuthenticationMethod',
    });
    const forOther = await createSoftAuthenticator().register(
      other.body.authn_params_public_key,
      'http://localhost:3000',
    );
    const wrongChallenge = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: forOther },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(wrongChallenge.status).toBe(400);
  });

  it('uses the 127.0.0.1 host as RP id and Location host when called there', async () => {
    const user = await h.createUser('passkey-host@example.com');
    const token = await h.mintToken({ sub: user.user_id, host: '127.0.0.1' });
    const start = await h.call('POST', BASE, {
      token,
      host: '127.0.0.1',
      body: { type: 'passkey' },
      operationId: 'createAuthenticationMethod',
    });
    expect(start.body.authn_params_public_key.rp.id).toBe('127.0.0.1');
    expect(start.headers.location).toBe(`${h.issuer('127.0.0.1')}me/v1/authentication-methods/passkey%7Cnew`);
  });
});

describe('password', () => {
  it('returns the policy, enforces it (all problems listed), keeps history, and changes the password', async () => {
    const { call, user } = await userWithToken('pw@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'password' },
      operationId: 'createAuthenticationMethod',
    });
    expect(start.status).toBe(202);
    expect(start.body.id).toBe('password|new');
    expect(start.body.policy.complexity.min_length).toBe(8);
    const path = `${BASE}/password%7Cnew/verify`;
    const attempt = (new_password: string) =>
      call('POST', path, {
        body: { auth_session: start.body.auth_session, new_password },
        operationId: 'confirmAuthenticationMethod',
      });
    for (const bad of [
      'short',
      'alllowercaseletters',
      'Goood-passs1',
      'Abc-defgh-9x',
      'Xy-pw-12345',
      'My-pw@example.com-9',
      'Initial-passw0rd!',
    ]) {
      const res = await attempt(bad);
      expect([bad, res.status, res.body.type]).toEqual([bad, 400, 'password_policy']);
      expect(res.body.validation_errors[0].field).toBe('new_password');
    }
    const ok = await attempt('Fresh-Secr3t-Wz');
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({
      type: 'password',
      id: `password|${Buffer.from(user.user_id).toString('base64url')}`,
      identity_user_id: user.user_id,
    });
    const stored = (await h.ctx.accounts.findById(user.user_id)) as Account;
    expect(await verifySecret('Fresh-Secr3t-Wz', stored.password!.hash)).toBe(true);
    expect(stored.password!.history).toHaveLength(1);
  });

  it('cannot delete the only primary credential (409), can once a passkey exists', async () => {
    const { call, user } = await userWithToken('pw-delete@example.com');
    const passwordId = `password|${Buffer.from(user.user_id).toString('base64url')}`;
    const conflict = await call('DELETE', `${BASE}/${enc(passwordId)}`, {
      operationId: 'deleteAuthenticationMethod',
    });
    expect(conflict.status).toBe(409);
    const start = await call('POST', BASE, {
      body: { type: 'passkey' },
      operationId: 'createAuthenticationMethod',
    });
    const attestation = await createSoftAuthenticator().register(
      start.body.authn_params_public_key,
      `http://localhost:${h.port}`,
    );
    const passkey = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: attestation },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(passkey.status).toBe(201);
    expect(
      (await call('DELETE', `${BASE}/${enc(passwordId)}`, { operationId: 'deleteAuthenticationMethod' }))
        .status,
    ).toBe(204);
    const lastPasskey = await call('DELETE', `${BASE}/${enc(passkey.body.id)}`, {
      operationId: 'deleteAuthenticationMethod',
    });
    expect(lastPasskey.status).toBe(409);
  });

  it('verifies at the existing password id too, and sets a password for a passkey-only user', async () => {
    const { call, user } = await userWithToken('pw-alias@example.com');
    const passwordId = `password|${Buffer.from(user.user_id).toString('base64url')}`;
    const start = await call('POST', BASE, {
      body: { type: 'password', connection: user.connection, identity_user_id: user.user_id },
      operationId: 'createAuthenticationMethod',
    });
    const changed = await call('POST', `${BASE}/${enc(passwordId)}/verify`, {
      body: { auth_session: start.body.auth_session, new_password: 'Another-Secr3t-Qz' },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([changed.status, changed.body.id]).toEqual([201, passwordId]);
    const wrongConnection = await call('POST', BASE, {
      body: { type: 'password', connection: 'other-db' },
      operationId: 'createAuthenticationMethod',
    });
    expect(wrongConnection.status).toBe(400);

    await h.ctx.accounts.update(user.user_id, (a) => {
      delete a.password;
    });
    expect(
      (await call('GET', `${BASE}?type=password`, { operationId: 'getAuthenticationMethods' })).body
        .authentication_methods,
    ).toEqual([]);
    const again = await call('POST', BASE, {
      body: { type: 'password' },
      operationId: 'createAuthenticationMethod',
    });
    const set = await call('POST', `${BASE}/password%7Cnew/verify`, {
      body: { auth_session: again.body.auth_session, new_password: 'Primo-Secr3t-Jq' },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(set.status).toBe(201);
    expect((await h.ctx.accounts.findById(user.user_id))!.password!.history).toEqual([]);
  });
});

describe('passkey exclusion', () => {
  it('use_exclude_credentials lists enrolled passkeys so the same authenticator is not enrolled twice', async () => {
    const { call } = await userWithToken('exclude@example.com');
    const authenticator = createSoftAuthenticator();
    const first = await call('POST', BASE, {
      body: { type: 'passkey' },
      operationId: 'createAuthenticationMethod',
    });
    const attestation = await authenticator.register(
      first.body.authn_params_public_key,
      'http://localhost:3000',
    );
    await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: first.body.auth_session, authn_response: attestation },
      operationId: 'confirmAuthenticationMethod',
    });
    const second = await call('POST', BASE, {
      body: { type: 'passkey', use_exclude_credentials: true },
      operationId: 'createAuthenticationMethod',
    });
    expect(second.body.authn_params_public_key.excludeCredentials).toEqual([
      expect.objectContaining({ id: attestation.id, type: 'public-key' }),
    ]);
    await expect(
      authenticator.register(second.body.authn_params_public_key, 'http://localhost:3000'),
    ).rejects.toThrow(/InvalidStateError/);
    const replay = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: second.body.auth_session, authn_response: attestation },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(replay.status).toBe(400);
  });
});
