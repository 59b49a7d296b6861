import { startHarness, type Harness } from './support/my-account-harness.js';
import { BASE, enc, totpNow, userWithToken as userFor } from './support/enrollment-helpers.js';

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

describe('auth_session binding', () => {
  it("refuses another user's auth_session, one for another method, a mismatched type and an expired one", async () => {
    const alice = await userWithToken('alice-bind@example.com');
    const bob = await userWithToken('bob-bind@example.com');
    const a = await alice.call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    const b = await bob.call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    const code = totpNow(a.body.manual_input_code);
    const foreign = await bob.call('POST', `${BASE}/${enc(b.body.id)}/verify`, {
      body: { auth_session: a.body.auth_session, otp_code: code },
      operationId: 'confirmAuthenticationMethod',
    });
    expect([foreign.status, foreign.body.type]).toEqual([403, 'invalid_auth_session']);
    const email = await alice.call('POST', BASE, {
      body: { type: 'email', email: 'alice-bind@example.org' },
      operationId: 'createAuthenticationMethod',
    });
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
    const start = await call('POST', BASE, {
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    const keys = await h.redis.keys('tenant:my-account:enrollment:*');
    expect(keys.some((k) => k.includes(start.body.auth_session))).toBe(false);
    const ttls = await Promise.all(keys.map((k) => h.redis.ttl(k)));
    expect(Math.max(...ttls)).toBeLessThanOrEqual(300);
    expect(Math.min(...ttls)).toBeGreaterThan(0);
  });
});
