import { Secret, TOTP } from 'otpauth';
import { REDIRECT_URI, startHarness, type Harness } from './support/my-account-harness.js';
import { approveTicket } from './support/operation-fixtures.js';

const AM = '/me/v1/authentication-methods';
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

describe('persistence across a tenant restart', () => {
  it('keeps tokens valid, pending enrollments, connect transactions and enrolled methods', async () => {
    const user = await h.createUser('restart@example.com');
    const token = await h.mintToken({ sub: user.user_id });
    const totp = await h.call('POST', AM, {
      token,
      body: { type: 'totp' },
      operationId: 'createAuthenticationMethod',
    });
    const connect = await h.call('POST', '/me/v1/connected-accounts/connect', {
      token,
      body: { connection: 'example-oauth2', redirect_uri: REDIRECT_URI },
    });

    await h.restart();

    const code = new TOTP({ secret: Secret.fromBase32(totp.body.manual_input_code) }).generate();
    const verified = await h.call('POST', `${AM}/${encodeURIComponent(totp.body.id)}/verify`, {
      token,
      body: { auth_session: totp.body.auth_session, otp_code: code },
      operationId: 'confirmAuthenticationMethod',
    });
    expect(verified.status).toBe(201);
    const connectCode = (await approveTicket(h, connect.body.connect_params.ticket)).get('connect_code');
    const completed = await h.call('POST', '/me/v1/connected-accounts/complete', {
      token,
      body: {
        auth_session: connect.body.auth_session,
        connect_code: connectCode,
        redirect_uri: REDIRECT_URI,
      },
      operationId: 'completeConnectedAccountRequest',
    });
    expect(completed.status).toBe(201);

    await h.restart();
    const list = await h.call('GET', AM, { token, operationId: 'getAuthenticationMethods' });
    expect(
      list.body.authentication_methods.find((m: { id: string }) => m.id === totp.body.id)?.confirmed,
    ).toBe(true);
  });
});

describe('Redis outage', () => {
  it('answers 503 with an ErrorResponse and retry-after, never a 500, and recovers', async () => {
    const user = await h.createUser('outage@example.com');
    const token = await h.mintToken({ sub: user.user_id });
    await h.testRedis.stop();
    try {
      const res = await h.call('GET', AM, { token, operationId: 'getAuthenticationMethods' });
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 503, type: 'temporarily_unavailable' });
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      await h.testRedis.start();
    }
    // The test Redis keeps nothing on disk, so the user is gone after the outage: a clean 401, not an error.
    const after = await h.call('GET', AM, { token, operationId: 'getAuthenticationMethods' });
    expect(after.status).toBe(401);
  });
});
