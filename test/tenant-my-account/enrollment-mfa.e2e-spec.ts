import type { Account } from '../../tenant/accounts/account.types.js';
import { verifySecret } from '../../tenant/accounts/secret-hash.js';
import { startHarness, type Harness } from './support/my-account-harness.js';
import {
  BASE,
  enc,
  latestCode,
  listRenameDelete,
  totpNow,
  userWithToken as userFor,
} from './support/enrollment-helpers.js';

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

describe('TOTP enrollment', () => {
  it('starts (202 + Location), is pending, verifies with a code one step off, then renames and deletes', async () => {
    const { call } = await userWithToken('totp@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    expect(start.status).toBe(202);
    expect(start.headers.location).toBe(`${h.issuer()}me/v1/authentication-methods/${enc(start.body.id)}`);
    expect(start.headers.location).toContain('totp%7Cdev_');
    expect(start.body.barcode_uri).toMatch(/^otpauth:\/\/totp\//);
    const pending = await call('GET', `${BASE}/${enc(start.body.id)}`, {
      operationId: 'getAuthenticationMethod',
    });
    expect(pending.body.confirmed).toBe(false);
    const verify = await call(
      'POST',
      `${start.headers.location!.replace(h.issuer().slice(0, -1), '')}/verify`,
      {
        body: { auth_session: start.body.auth_session, otp_code: totpNow(start.body.manual_input_code, -1) },
        operationId: 'confirmAuthenticationMethod',
      },
    );
    expect(verify.status).toBe(201);
    expect(verify.body).toMatchObject({
      id: start.body.id,
      type: 'totp',
      confirmed: true,
      usage: ['secondary'],
    });
    expect(verify.headers.location).toBe(start.headers.location);
    await listRenameDelete(call, start.body.id);
  });

  it('refuses a wrong code (403), then a reused auth_session (400), and accepts a raw | in the path', async () => {
    const { call } = await userWithToken('totp-wrong@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    const path = `${BASE}/${start.body.id}/verify`;
    const wrong = await call('POST', path, {
      body: { auth_session: start.body.auth_session, otp_code: '000000' },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([wrong.status, wrong.body.type]).toEqual([403, 'invalid_otp_code']);
    const right = { auth_session: start.body.auth_session, otp_code: totpNow(start.body.manual_input_code) };
    expect(
      (await call('POST', path, { body: right, operationId: 'confirmAuthenticationMethod' })).status,
    ).toBe(201);
    const reused = await call('POST', path, { body: right, operationId: 'confirmAuthenticationMethod' });
    expect([reused.status, reused.body.type]).toEqual([400, 'invalid_auth_session']);
  });

  it('kills the auth_session after five wrong codes', async () => {
    const { call } = await userWithToken('totp-brute@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    const path = `${BASE}/${enc(start.body.id)}/verify`;
    for (let i = 0; i < 5; i++) {
      await call('POST', path, {
        body: { auth_session: start.body.auth_session, otp_code: '000000' },
        operationId: 'confirmAuthenticationMethod',
      });
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
  [
    'phone (voice)',
    { type: 'phone', phone_number: '+15557654321', preferred_authentication_method: 'voice' },
    '+15557654321',
    'voice',
  ],
])('%s enrollment', (_name, createBody, to, channel) => {
  it('delivers a code to the outbox, refuses a wrong one, confirms the right one', async () => {
    const { call } = await userWithToken(`otp-${channel}-${Date.now()}@example.com`);
    const start = await call('POST', BASE, { body: createBody, operationId: 'createAuthenticationMethod' });
    expect(start.status).toBe(202);
    const outbox = await h.call('GET', `/__dev/outbox?to=${encodeURIComponent(to)}`);
    expect(outbox.body[0]).toMatchObject({ channel, to, purpose: 'enrollment' });
    const code = await latestCode(h, to);
    const path = `${BASE}/${enc(start.body.id)}/verify`;
    const wrongCode = code === '999999' ? '000000' : '999999';
    const wrong = await call('POST', path, {
      body: { auth_session: start.body.auth_session, otp_code: wrongCode },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(wrong.status).toBe(403);
    const ok = await call('POST', path, {
      body: { auth_session: start.body.auth_session, otp_code: code },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(ok.status).toBe(201);
    expect(ok.body.confirmed).toBe(true);
    if (createBody.type === 'phone') expect(ok.body.preferred_authentication_method).toBe(channel);
    await listRenameDelete(call, start.body.id);
  });
});

describe('phone method update', () => {
  it('switches preferred_authentication_method and refuses it on other types', async () => {
    const { call } = await userWithToken('phone-pref@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'phone', phone_number: '+15550001111' },
      operationId: 'createAuthenticationMethod',
    });
    await call('POST', `${BASE}/${enc(start.body.id)}/verify`, {
      body: { auth_session: start.body.auth_session, otp_code: await latestCode(h, '+15550001111') },
      operationId: 'confirmAuthenticationMethod',
    });
    const patched = await call('PATCH', `${BASE}/${enc(start.body.id)}`, {
      body: { preferred_authentication_method: 'voice' },
      operationId: 'updateAuthenticationMethod',
    });
    expect(patched.body.preferred_authentication_method).toBe('voice');
    const totp = await call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
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
    const first = await call('POST', BASE, {
      body: { type: 'recovery-code' },
      operationId: 'createAuthenticationMethod',
    });
    expect(first.body.recovery_code).toMatch(/^[A-Z0-9]{24}$/);
    const ok = await call('POST', `${BASE}/${enc(first.body.id)}/verify`, {
      body: { auth_session: first.body.auth_session },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(ok.status).toBe(201);
    const stored = (await h.ctx.accounts.findById(user.user_id)) as Account;
    const method = stored.methods.find((m) => m.id === first.body.id);
    expect(
      method &&
        method.type === 'recovery-code' &&
        (await verifySecret(first.body.recovery_code, method.code_hash)),
    ).toBe(true);
    expect(JSON.stringify(stored)).not.toContain(first.body.recovery_code);
    const got = await call('GET', `${BASE}/${enc(first.body.id)}`, {
      operationId: 'getAuthenticationMethod',
    });
    expect(got.body.recovery_code).toBeUndefined();
    const second = await call('POST', BASE, {
      body: { type: 'recovery-code' },
      operationId: 'createAuthenticationMethod',
    });
    await call('POST', `${BASE}/${enc(second.body.id)}/verify`, {
      body: { auth_session: second.body.auth_session },
      operationId: 'confirmAuthenticationMethod',
    });
    const list = await call('GET', `${BASE}?type=recovery-code`, { operationId: 'getAuthenticationMethods' });
    expect(list.body.authentication_methods.map((m: { id: string }) => m.id)).toEqual([second.body.id]);
    await listRenameDelete(call, second.body.id, false);
  });
});

describe('push notification enrollment', () => {
  it('verifies only after the authenticator app approved it', async () => {
    const { call } = await userWithToken('push@example.com');
    const start = await call('POST', BASE, {
      body: { type: 'push-notification' },
      operationId: 'createAuthenticationMethod',
    });
    expect(start.body.barcode_uri).toMatch(/^otpauth:\/\//);
    const path = `${BASE}/${enc(start.body.id)}/verify`;
    const early = await call('POST', path, {
      body: { auth_session: start.body.auth_session },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([early.status, early.body.type]).toEqual([403, 'enrollment_pending']);
    const approve = await h.call('POST', '/__dev/push/approve', {
      body: { auth_session: start.body.auth_session },
    });
    expect(approve.status).toBe(204);
    const ok = await call('POST', path, {
      body: { auth_session: start.body.auth_session },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(ok.status).toBe(201);
    await listRenameDelete(call, start.body.id);
  });

  it('the approval endpoint refuses unknown sessions', async () => {
    expect((await h.call('POST', '/__dev/push/approve', { body: { auth_session: 'nope' } })).status).toBe(
      404,
    );
    expect((await h.call('POST', '/__dev/push/approve', { body: {} })).status).toBe(400);
  });
});
