import fc from 'fast-check';
import { startHarness, type Harness } from './support/my-account-harness.js';

const AM = '/me/v1/authentication-methods';
let h: Harness;
let token: string;
let totpId: string;
beforeAll(async () => {
  h = await startHarness();
  const user = await h.createUser('hostile@example.com');
  token = await h.mintToken({ sub: user.user_id });
  const start = await h.call('POST', AM, { token, body: { type: 'totp' } });
  totpId = encodeURIComponent(start.body.id);
});
afterAll(async () => {
  await h.close();
});
afterEach(() => {
  expect(h.contractViolations).toEqual([]);
});

const MB = 'x'.repeat(1024 * 1024);

describe('hostile request bodies get a 4xx ErrorResponse, never a 5xx', () => {
  const cases: Array<[string, string, string, unknown, number]> = [
    ['wrong type of type', 'createAuthenticationMethod', AM, { type: 42 }, 400],
    ['type not in the enum', 'createAuthenticationMethod', AM, { type: 'webauthn-roaming' }, 400],
    ['missing type', 'createAuthenticationMethod', AM, { email: 'a@b.co' }, 400],
    ['extra field', 'createAuthenticationMethod', AM, { type: 'totp', admin: true }, 400],
    [
      '__proto__ field',
      'createAuthenticationMethod',
      AM,
      JSON.parse('{"type":"totp","__proto__":{"polluted":1}}'),
      400,
    ],
    ['array body', 'createAuthenticationMethod', AM, [{ type: 'totp' }], 400],
    ['null body', 'createAuthenticationMethod', AM, null, 400],
    ['email of wrong type', 'createAuthenticationMethod', AM, { type: 'email', email: ['a@b.co'] }, 400],
    ['email that is not an address', 'createAuthenticationMethod', AM, { type: 'email', email: 'nope' }, 400],
    ['phone not E.164', 'createAuthenticationMethod', AM, { type: 'phone', phone_number: '555-1234' }, 400],
    [
      'phone with a bad channel',
      'createAuthenticationMethod',
      AM,
      { type: 'phone', phone_number: '+15551234567', preferred_authentication_method: 'fax' },
      400,
    ],
    [
      'password with a foreign identity',
      'createAuthenticationMethod',
      AM,
      { type: 'password', identity_user_id: 'auth0|someone-else' },
      400,
    ],
    ['connection with spaces', 'createAuthenticationMethod', AM, { type: 'passkey', connection: 'a b' }, 400],
    [
      'verify with extra field',
      'confirmAuthenticationMethod',
      `${AM}/TOTP/verify`,
      { auth_session: 'x', otp_code: '1', more: 1 },
      400,
    ],
    [
      'connect with a bad challenge method',
      'createConnectedAccountRequest',
      '/me/v1/connected-accounts/connect',
      {
        connection: 'example-oauth2',
        redirect_uri: 'http://localhost:3000/cb',
        code_challenge: 'a'.repeat(43),
        code_challenge_method: 'plain',
      },
      400,
    ],
    [
      'connect with challenge but no method',
      'createConnectedAccountRequest',
      '/me/v1/connected-accounts/connect',
      {
        connection: 'example-oauth2',
        redirect_uri: 'http://localhost:3000/cb',
        code_challenge: 'a'.repeat(43),
      },
      400,
    ],
    [
      'connect with duplicate scopes',
      'createConnectedAccountRequest',
      '/me/v1/connected-accounts/connect',
      { connection: 'example-oauth2', redirect_uri: 'http://localhost:3000/cb', scopes: ['a', 'a'] },
      400,
    ],
    [
      'connect with bad ui_locales',
      'createConnectedAccountRequest',
      '/me/v1/connected-accounts/connect',
      {
        connection: 'example-oauth2',
        redirect_uri: 'http://localhost:3000/cb',
        authorization_params: { ui_locales: '<script>' },
      },
      400,
    ],
    ['1 MB name', 'updateAuthenticationMethod', `${AM}/TOTP`, { name: MB }, 413],
    ['1 MB type', 'createAuthenticationMethod', AM, { type: MB }, 413],
    ['60 kB name', 'updateAuthenticationMethod', `${AM}/TOTP`, { name: 'x'.repeat(60_000) }, 400],
  ];
  it.each(cases)('%s', async (_name, operationId, path, body, status) => {
    const method = operationId.startsWith('update') ? 'PATCH' : 'POST';
    const res = await h.call(method, path.replace('TOTP', totpId), { token, body, operationId });
    expect(res.status).toBe(status);
    expect(res.body.status).toBe(status);
    if (status === 400) expect(res.body.validation_errors.length).toBeGreaterThan(0);
  });

  it('invalid JSON, an empty body and a wrong media type', async () => {
    const bad = await h.call('POST', AM, {
      token,
      rawBody: '{"type": "totp",',
      operationId: 'createAuthenticationMethod',
    });
    expect([bad.status, bad.body.type]).toEqual([400, 'invalid_json']);
    const empty = await h.call('POST', AM, { token, rawBody: '', operationId: 'createAuthenticationMethod' });
    expect(empty.status).toBe(400);
    const form = await h.call('POST', AM, {
      token,
      rawBody: 'type=totp',
      contentType: 'application/x-www-form-urlencoded',
      operationId: 'createAuthenticationMethod',
    });
    expect(form.status).toBe(415);
    const noType = await h.call('POST', AM, { token, operationId: 'createAuthenticationMethod' });
    expect(noType.status).toBe(415);
  });

  it('odd paths: unknown endpoints 404, wrong methods 405, bad encodings 400', async () => {
    expect((await h.call('GET', '/me/v1/nothing-here', { token })).status).toBe(404);
    expect((await h.call('GET', '/me/v1/authentication-methods/a/b/c', { token })).status).toBe(404);
    const wrongMethod = await h.call('PUT', AM, { token, body: { type: 'totp' } });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET, POST');
    expect(
      (await h.call('GET', `${AM}/%C0%AF`, { token, operationId: 'getAuthenticationMethod' })).status,
    ).toBe(400);
    expect(
      (await h.call('GET', `${AM}/${'x'.repeat(5000)}`, { token, operationId: 'getAuthenticationMethod' }))
        .status,
    ).toBe(404);
    expect(
      (await h.call('GET', `${AM}/..%2F..%2Fetc`, { token, operationId: 'getAuthenticationMethod' })).status,
    ).toBe(404);
  });

  it('random JSON to every body-taking operation never yields a 5xx', async () => {
    const targets: Array<[string, string, string]> = [
      ['POST', AM, 'createAuthenticationMethod'],
      ['POST', `${AM}/${totpId}/verify`, 'confirmAuthenticationMethod'],
      ['POST', `${AM}/passkey%7Cnew/verify`, 'confirmAuthenticationMethod'],
      ['PATCH', `${AM}/${totpId}`, 'updateAuthenticationMethod'],
      ['POST', '/me/v1/connected-accounts/connect', 'createConnectedAccountRequest'],
      ['POST', '/me/v1/connected-accounts/complete', 'completeConnectedAccountRequest'],
    ];
    const typed = fc.record(
      {
        type: fc.constantFrom(
          'totp',
          'email',
          'phone',
          'passkey',
          'password',
          'recovery-code',
          'push-notification',
          'x',
        ),
        email: fc.string(),
        phone_number: fc.string(),
        auth_session: fc.string(),
        otp_code: fc.string(),
        authn_response: fc.anything(),
        name: fc.string(),
        connection: fc.string(),
        redirect_uri: fc.webUrl(),
        connect_code: fc.string(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...targets),
        fc.oneof(fc.jsonValue(), typed),
        async ([method, path, operationId], body) => {
          const res = await h.call(method, path, { token, body, operationId });
          return res.status < 500;
        },
      ),
      { numRuns: 150 },
    );
  });
});
