import { TOTP, Secret } from 'otpauth';
import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import type { Account } from '../../tenant/accounts/account.types.js';
import { verifySecret } from '../../tenant/accounts/secret-hash.js';
import { createSoftAuthenticator } from '../support/soft-authenticator.js';
import { startHarness, type CallOptions, type Harness } from './support/my-account-harness.js';

const BASE = '/me/v1/authentication-methods';
const enc = (id: string) => encodeURIComponent(id);

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

async function userWithToken(email: string) {
  const user = await h.createUser(email);
  const token = await h.mintToken({ sub: user.user_id });
  const call = (method: string, path: string, o: CallOptions = {}) => h.call(method, path, { token, ...o });
  return { user, token, call };
}

const totpNow = (secret: string, offsetSteps = 0) =>
  new TOTP({ secret: Secret.fromBase32(secret) }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

async function latestCode(to: string): Promise<string> {
  const res = await h.call('GET', `/__dev/outbox?to=${encodeURIComponent(to)}`);
  expect(res.status).toBe(200);
  return res.body[0].code as string;
}

/** After verify: listed as confirmed, renamed, deleted. */
async function listRenameDelete(call: Awaited<ReturnType<typeof userWithToken>>['call'], id: string, renamable = true) {
  const list = await call('GET', BASE, { operationId: 'getAuthenticationMethods' });
  const listed = list.body.authentication_methods.find((m: { id: string }) => m.id === id);
  expect(listed).toBeDefined();
  if ('confirmed' in listed) expect(listed.confirmed).toBe(true);
  const renamed = await call('PATCH', `${BASE}/${enc(id)}`, { body: { name: 'Renamed' }, operationId: 'updateAuthenticationMethod' });
  if (renamable) {
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('Renamed');
  } else {
    expect(renamed.status).toBe(400);
  }
  const deleted = await call('DELETE', `${BASE}/${enc(id)}`, { operationId: 'deleteAuthenticationMethod' });
  expect(deleted.status).toBe(204);
  const gone = await call('GET', `${BASE}/${enc(id)}`, { operationId: 'getAuthenticationMethod' });
  expect(gone.status).toBe(404);
}

describe('TOTP enrollment', () => {
  it('starts (202 + Location), is pending, verifies with a code one step off, then renames and deletes', async () => {
    const { call } = await userWithToken('totp@example.com');
    const start = await call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    expect(start.status).toBe(202);
    expect(start.headers.location).toBe(`${h.issuer()}me/v1/authentication-methods/${enc(start.body.id)}`);
    expect(start.headers.location).toContain('totp%7Cdev_');
    expect(start.body.barcode_uri).toMatch(/^otpauth:\/\/totp\//);
    const pending = await call('GET', `${BASE}/${enc(start.body.id)}`, { operationId: 'getAuthenticationMethod' });
    expect(pending.body.confirmed).toBe(false);
    const verify = await call('POST', `${start.headers.location!.replace(h.issuer().slice(0, -1), '')}/verify`, {
      body: { auth_session: start.body.auth_session, otp_code: totpNow(start.body.manual_input_code, -1) },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(verify.status).toBe(201);
    expect(verify.body).toMatchObject({ id: start.body.id, type: 'totp', confirmed: true, usage: ['secondary'] });
    expect(verify.headers.location).toBe(start.headers.location);
    await listRenameDelete(call, start.body.id);
  });

  it('refuses a wrong code (403), then a reused auth_session (400), and accepts a raw | in the path', async () => {
    const { call } = await userWithToken('totp-wrong@example.com');
    const start = await call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    const path = `${BASE}/${start.body.id}/verify`;
    const wrong = await call('POST', path, { body: { auth_session: start.body.auth_session, otp_code: '000000' }, operationId: 'confirmAuthenticationMethod' });
    expect([wrong.status, wrong.body.type]).toEqual([403, 'invalid_otp_code']);
    const right = { auth_session: start.body.auth_session, otp_code: totpNow(start.body.manual_input_code) };
    expect((await call('POST', path, { body: right, operationId: 'confirmAuthenticationMethod' })).status).toBe(201);
    const reused = await call('POST', path, { body: right, operationId: 'confirmAuthenticationMethod' });
    expect([reused.status, reused.body.type]).toEqual([400, 'invalid_auth_session']);
  });

  it('kills the auth_session after five wrong codes', async () => {
    const { call } = await userWithToken('totp-brute@example.com');
    const start = await call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    const path = `${BASE}/${enc(start.body.id)}/verify`;
    for (let i = 0; i < 5; i++) {
      await call('POST', path, { body: { auth_session: start.body.auth_session, otp_code: '000000' }, operationId: 'confirmAuthenticationMethod' });
    }
    const late = await call('POST', path, {
      body: { auth_session: start.body.auth_session, otp_code: totpNow(start.body.manual_input_code) },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(late.status).toBe(400);
  });
});

describe.each([
  ['email', { type: 'email', email: 'me@example.org' }, 'me@example.org', 'email'],
  ['phone (sms)', { type: 'phone', phone_number: '+15551234567' }, '+15551234567', 'sms'],
  ['phone (voice)', { type: 'phone', phone_number: '+15557654321', preferred_authentication_method: 'voice' }, '+15557654321', 'voice'],
])('%s enrollment', (_name, createBody, to, channel) => {
  it('delivers a code to the outbox, refuses a wrong one, confirms the right one', async () => {
    const { call } = await userWithToken(`otp-${channel}-${Date.now()}@example.com`);
    const start = await call('POST', BASE, { body: createBody, operationId: 'createAuthenticationMethod' });
    expect(start.status).toBe(202);
    const outbox = await h.call('GET', `/__dev/outbox?to=${encodeURIComponent(to)}`);
    expect(outbox.body[0]).toMatchObject({ channel, to, purpose: 'enrollment' });
    const code = await latestCode(to);
    const path = `${BASE}/${enc(start.body.id)}/verify`;
    const wrongCode = code === '999999' ? '000000' : '999999';
    const wrong = await call('POST', path, { body: { auth_session: start.body.auth_session, otp_code: wrongCode }, operationId: 'confirmAuthenticationMethod' });
    expect(wrong.status).toBe(403);
    const ok = await call('POST', path, { body: { auth_session: start.body.auth_session, otp_code: code }, operationId: 'confirmAuthenticationMethod' });
    expect(ok.status).toBe(201);
    expect(ok.body.confirmed).toBe(true);
    if (createBody.type === 'phone') expect(ok.body.preferred_authentication_method).toBe(channel);
    await listRenameDelete(call, start.body.id);
  });
});

describe('phone method update', () => {
  it('switches preferred_authentication_method and refuses it on other types', async () => {
    const { call } = await userWithToken('phone-pref@example.com');
    const start = await call('POST', BASE, { body: { type: 'phone', phone_number: '+15550001111' }, operationId: 'createAuthenticationMethod' });
    await call('POST', `${BASE}/${enc(start.body.id)}/verify`, {
      body: { auth_session: start.body.auth_session, otp_code: await latestCode('+15550001111') },
      operationId: 'confirmAuthenticationMethod',
    });
    const patched = await call('PATCH', `${BASE}/${enc(start.body.id)}`, {
      body: { preferred_authentication_method: 'voice' },
      operationId: 'updateAuthenticationMethod',
    });
    expect(patched.body.preferred_authentication_method).toBe('voice');
    const totp = await call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    const refused = await call('PATCH', `${BASE}/${enc(totp.body.id)}`, {
      body: { preferred_authentication_method: 'sms' },
      operationId: 'updateAuthenticationMethod',
    });
    expect(refused.status).toBe(400);
  });
});

describe('recovery code enrollment', () => {
  it('shows the code once, stores only its hash, confirms with the auth_session alone, replaces the old one', async () => {
    const { call, user } = await userWithToken('recovery@example.com');
    const first = await call('POST', BASE, { body: { type: 'recovery-code' }, operationId: 'createAuthenticationMethod' });
    expect(first.body.recovery_code).toMatch(/^[A-Z0-9]{24}$/);
    const ok = await call('POST', `${BASE}/${enc(first.body.id)}/verify`, { body: { auth_session: first.body.auth_session }, operationId: 'confirmAuthenticationMethod' });
    expect(ok.status).toBe(201);
    const stored = (await h.ctx.accounts.findById(user.user_id)) as Account;
    const method = stored.methods.find((m) => m.id === first.body.id);
    expect(method && method.type === 'recovery-code' && (await verifySecret(first.body.recovery_code, method.code_hash))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(first.body.recovery_code);
    const got = await call('GET', `${BASE}/${enc(first.body.id)}`, { operationId: 'getAuthenticationMethod' });
    expect(got.body.recovery_code).toBeUndefined();
    const second = await call('POST', BASE, { body: { type: 'recovery-code' }, operationId: 'createAuthenticationMethod' });
    await call('POST', `${BASE}/${enc(second.body.id)}/verify`, { body: { auth_session: second.body.auth_session }, operationId: 'confirmAuthenticationMethod' });
    const list = await call('GET', `${BASE}?type=recovery-code`, { operationId: 'getAuthenticationMethods' });
    expect(list.body.authentication_methods.map((m: { id: string }) => m.id)).toEqual([second.body.id]);
    await listRenameDelete(call, second.body.id, false);
  });
});

describe('push notification enrollment', () => {
  it('verifies only after the authenticator app approved it', async () => {
    const { call } = await userWithToken('push@example.com');
    const start = await call('POST', BASE, { body: { type: 'push-notification' }, operationId: 'createAuthenticationMethod' });
    expect(start.body.barcode_uri).toMatch(/^otpauth:\/\//);
    const path = `${BASE}/${enc(start.body.id)}/verify`;
    const early = await call('POST', path, { body: { auth_session: start.body.auth_session }, operationId: 'confirmAuthenticationMethod' });
    expect([early.status, early.body.type]).toEqual([403, 'enrollment_pending']);
    const approve = await h.call('POST', '/__dev/push/approve', { body: { auth_session: start.body.auth_session } });
    expect(approve.status).toBe(204);
    const ok = await call('POST', path, { body: { auth_session: start.body.auth_session }, operationId: 'confirmAuthenticationMethod' });
    expect(ok.status).toBe(201);
    await listRenameDelete(call, start.body.id);
  });

  it('the approval endpoint refuses unknown sessions', async () => {
    expect((await h.call('POST', '/__dev/push/approve', { body: { auth_session: 'nope' } })).status).toBe(404);
    expect((await h.call('POST', '/__dev/push/approve', { body: {} })).status).toBe(400);
  });
});

describe('passkey enrollment', () => {
  it('creates options without an id (Location passkey%7Cnew), verifies the soft authenticator attestation, stores the key', async () => {
    const { call, user } = await userWithToken('passkey@example.com');
    const start = await call('POST', BASE, { body: { type: 'passkey' }, operationId: 'createAuthenticationMethod' });
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
    expect(verify.body).toMatchObject({ type: 'passkey', key_id: attestation.id, user_agent: 'SoftAuthenticator/1.0', relying_party_id: 'localhost' });
    expect(verify.body.id).toMatch(/^passkey\|dev_/);
    expect(verify.headers.location).toBe(`${h.issuer()}me/v1/authentication-methods/${enc(verify.body.id)}`);
    await listRenameDelete(call, verify.body.id);
  });

  it('refuses an attestation made for another origin or another challenge', async () => {
    const { call } = await userWithToken('passkey-bad@example.com');
    const start = await call('POST', BASE, { body: { type: 'passkey' }, operationId: 'createAuthenticationMethod' });
    const evil = await createSoftAuthenticator().register(start.body.authn_params_public_key, 'http://localhost:6666');
    const wrongOrigin = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: evil },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([wrongOrigin.status, wrongOrigin.body.type]).toEqual([400, 'invalid_attestation']);
    const other = await call('POST', BASE, { body: { type: 'passkey' }, operationId: 'createAuthenticationMethod' });
    const forOther = await createSoftAuthenticator().register(other.body.authn_params_public_key, 'http://localhost:3000');
    const wrongChallenge = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: forOther },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(wrongChallenge.status).toBe(400);
  });

  it('uses the 127.0.0.1 host as RP id and Location host when called there', async () => {
    const user = await h.createUser('passkey-host@example.com');
    const token = await h.mintToken({ sub: user.user_id, host: '127.0.0.1' });
    const start = await h.call('POST', BASE, { token, host: '127.0.0.1', body: { type: 'passkey' }, operationId: 'createAuthenticationMethod' });
    expect(start.body.authn_params_public_key.rp.id).toBe('127.0.0.1');
    expect(start.headers.location).toBe(`${h.issuer('127.0.0.1')}me/v1/authentication-methods/passkey%7Cnew`);
  });
});

describe('password', () => {
  it('returns the policy, enforces it (all problems listed), keeps history, and changes the password', async () => {
    const { call, user } = await userWithToken('pw@example.com');
    const start = await call('POST', BASE, { body: { type: 'password' }, operationId: 'createAuthenticationMethod' });
    expect(start.status).toBe(202);
    expect(start.body.id).toBe('password|new');
    expect(start.body.policy.complexity.min_length).toBe(8);
    const path = `${BASE}/password%7Cnew/verify`;
    const attempt = (new_password: string) =>
      call('POST', path, { body: { auth_session: start.body.auth_session, new_password }, operationId: 'confirmAuthenticationMethod' });
    for (const bad of ['short', 'alllowercaseletters', 'Goood-passs1', 'Abc-defgh-9x', 'Xy-pw-12345', 'My-pw@example.com-9', 'Initial-passw0rd!']) {
      const res = await attempt(bad);
      expect([bad, res.status, res.body.type]).toEqual([bad, 400, 'password_policy']);
      expect(res.body.validation_errors[0].field).toBe('new_password');
    }
    const ok = await attempt('Fresh-Secr3t-Wz');
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ type: 'password', id: `password|${Buffer.from(user.user_id).toString('base64url')}`, identity_user_id: user.user_id });
    const stored = (await h.ctx.accounts.findById(user.user_id)) as Account;
    expect(await verifySecret('Fresh-Secr3t-Wz', stored.password!.hash)).toBe(true);
    expect(stored.password!.history).toHaveLength(1);
  });

  it('cannot delete the only primary credential (409), can once a passkey exists', async () => {
    const { call, user } = await userWithToken('pw-delete@example.com');
    const passwordId = `password|${Buffer.from(user.user_id).toString('base64url')}`;
    const conflict = await call('DELETE', `${BASE}/${enc(passwordId)}`, { operationId: 'deleteAuthenticationMethod' });
    expect(conflict.status).toBe(409);
    const start = await call('POST', BASE, { body: { type: 'passkey' }, operationId: 'createAuthenticationMethod' });
    const attestation = await createSoftAuthenticator().register(start.body.authn_params_public_key, `http://localhost:${h.port}`);
    const passkey = await call('POST', `${BASE}/passkey%7Cnew/verify`, {
      body: { auth_session: start.body.auth_session, authn_response: attestation },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(passkey.status).toBe(201);
    expect((await call('DELETE', `${BASE}/${enc(passwordId)}`, { operationId: 'deleteAuthenticationMethod' })).status).toBe(204);
    const lastPasskey = await call('DELETE', `${BASE}/${enc(passkey.body.id)}`, { operationId: 'deleteAuthenticationMethod' });
    expect(lastPasskey.status).toBe(409);
  });
});

describe('auth_session binding', () => {
  it('refuses another user\'s auth_session, one for another method, a mismatched type and an expired one', async () => {
    const alice = await userWithToken('alice-bind@example.com');
    const bob = await userWithToken('bob-bind@example.com');
    const a = await alice.call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    const b = await bob.call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    const code = totpNow(a.body.manual_input_code);
    const foreign = await bob.call('POST', `${BASE}/${enc(b.body.id)}/verify`, {
      body: { auth_session: a.body.auth_session, otp_code: code },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([foreign.status, foreign.body.type]).toEqual([403, 'invalid_auth_session']);
    const email = await alice.call('POST', BASE, { body: { type: 'email', email: 'alice-bind@example.org' }, operationId: 'createAuthenticationMethod' });
    const otherMethod = await alice.call('POST', `${BASE}/${enc(email.body.id)}/verify`, {
      body: { auth_session: a.body.auth_session, otp_code: code },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(otherMethod.status).toBe(403);
    const mismatched = await alice.call('POST', `${BASE}/${enc(a.body.id)}/verify`, {
      body: { auth_session: a.body.auth_session, new_password: 'Whatever-1x' },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.validation_errors.length).toBeGreaterThan(0);
    const keys = await h.redis.keys('tenant:my-account:enrollment:*');
    await Promise.all(keys.map((k) => h.redis.del(k)));
    const expired = await alice.call('POST', `${BASE}/${enc(a.body.id)}/verify`, {
      body: { auth_session: a.body.auth_session, otp_code: code },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(expired.status).toBe(400);
  });

  it('keeps auth_session values out of Redis in clear and expires them after 5 minutes', async () => {
    const { call } = await userWithToken('ttl@example.com');
    const start = await call('POST', BASE, { body: { type: 'totp' }, operationId: 'createAuthenticationMethod' });
    const keys = await h.redis.keys('tenant:my-account:enrollment:*');
    expect(keys.some((k) => k.includes(start.body.auth_session))).toBe(false);
    const ttls = await Promise.all(keys.map((k) => h.redis.ttl(k)));
    expect(Math.max(...ttls)).toBeLessThanOrEqual(300);
    expect(Math.min(...ttls)).toBeGreaterThan(0);
  });
});
