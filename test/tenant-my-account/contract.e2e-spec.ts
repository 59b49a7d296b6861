import { startHarness, REDIRECT_URI, type Harness } from './support/my-account-harness.js';
import { contractProblems, OPERATIONS } from './support/oas-contract.js';
import {
  approveTicket,
  seedConnectedAccount,
  SUCCESS_FIXTURES,
  type PreparedCall,
} from './support/operation-fixtures.js';

/**
 * Every operation answers, in success and error cases, exactly what the OAS declares: status, body schema
 * (`ErrorResponse` for errors), `Location`, rate-limit and `retry-after` headers, `application/json`.
 */

const M = '/me/v1';
const AM = `${M}/authentication-methods`;
let h: Harness;
let limited: Harness;
const covered = new Map<string, Set<number>>();

beforeAll(async () => {
  h = await startHarness();
  limited = await startHarness({ tuning: { rate_limit: { limit: 1, window_seconds: 3600 } } });
});
afterAll(async () => {
  await h.close();
  await limited.close();
});
afterEach(() => {
  for (const harness of [h, limited]) {
    expect(harness.contractViolations).toEqual([]);
    for (const { operationId, status } of harness.checked.splice(0)) {
      if (!covered.has(operationId)) covered.set(operationId, new Set());
      covered.get(operationId)!.add(status);
    }
  }
});

let n = 0;
async function freshUser(harness = h) {
  const user = await harness.createUser(`contract-${n++}@example.com`);
  return { user, token: await harness.mintToken({ sub: user.user_id }) };
}

const send = (
  harness: Harness,
  operationId: string,
  call: PreparedCall,
  token?: string,
  extra: Record<string, unknown> = {},
) => harness.call(call.method, call.path, { token, body: call.body, operationId, ...extra });

describe.each(OPERATIONS.map((op) => [op.operationId] as const))('%s', (operationId) => {
  it('success answer matches the OAS', async () => {
    const { user, token } = await freshUser();
    const call = await SUCCESS_FIXTURES[operationId]({ h, user, setupToken: token });
    const res = await send(h, operationId, call, token);
    expect(res.status).toBe(call.status);
    if (res.status < 300) {
      for (const header of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset'])
        expect(res.headers[header]).toMatch(/^\d+$/);
    }
  });

  it('401 without a token, 403 without the scope', async () => {
    const { user, token } = await freshUser();
    const call = await SUCCESS_FIXTURES[operationId]({ h, user, setupToken: token });
    const anonymous = await send(h, operationId, call);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer realm="/);
    expect(anonymous.headers['www-authenticate']).not.toContain('error=');
    const op = OPERATIONS.find((o) => o.operationId === operationId)!;
    const scoped = await h.mintToken({ sub: user.user_id, scope: 'openid' });
    expect((await send(h, operationId, call, scoped)).status).toBe(403);
    expect(op.scope).toMatch(/^(read|create|update|delete):me:/);
  });

  it('429 with retry-after and rate-limit headers once the per-user window is used up', async () => {
    const { user, token } = await freshUser(limited);
    const call = await SUCCESS_FIXTURES[operationId]({ h: limited, user, setupToken: token });
    // The fixture may already have spent this user's write budget; one more call certainly exceeds it.
    await send(limited, operationId, call, token);
    const res = await send(limited, operationId, call, token);
    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['x-ratelimit-remaining']).toBe('0');
  });
});

const BAD_INPUT: Record<string, PreparedCall> = {
  getAuthenticationMethods: { method: 'GET', path: `${AM}?type=sms`, status: 400 },
  createAuthenticationMethod: { method: 'POST', path: AM, body: { type: 'sms' }, status: 400 },
  getAuthenticationMethod: { method: 'GET', path: `${AM}/totp%E0%A4%A`, status: 400 },
  deleteAuthenticationMethod: { method: 'DELETE', path: `${AM}/%ZZ`, status: 400 },
  updateAuthenticationMethod: {
    method: 'PATCH',
    path: `${AM}/totp%7Cdev_x`,
    body: { name: 5, color: 'red' },
    status: 400,
  },
  confirmAuthenticationMethod: {
    method: 'POST',
    path: `${AM}/totp%7Cdev_x/verify`,
    body: { otp_code: 123456 },
    status: 400,
  },
  createConnectedAccountRequest: {
    method: 'POST',
    path: `${M}/connected-accounts/connect`,
    body: { connection: '', redirect_uri: 'not a uri' },
    status: 400,
  },
  completeConnectedAccountRequest: {
    method: 'POST',
    path: `${M}/connected-accounts/complete`,
    body: { connect_code: '' },
    status: 400,
  },
  getConnectedAccounts: { method: 'GET', path: `${M}/connected-accounts/accounts?take=0`, status: 400 },
  getConnectedAccountsConnections: {
    method: 'GET',
    path: `${M}/connected-accounts/connections?take=many`,
    status: 400,
  },
  deleteConnectedAccount: {
    method: 'DELETE',
    path: `${M}/connected-accounts/accounts/not-a-cac-id`,
    status: 400,
  },
  getOrganizations: { method: 'GET', path: `${M}/organizations?take=-1`, status: 400 },
};

describe.each(Object.entries(BAD_INPUT))('%s with bad input', (operationId, call) => {
  it('400 with validation_errors', async () => {
    const { token } = await freshUser();
    const res = await send(h, operationId, call, token);
    expect(res.status).toBe(400);
    if (call.method !== 'DELETE' && !call.path.includes('%E0') && !call.path.includes('%ZZ')) {
      expect(res.body.validation_errors.length).toBeGreaterThan(0);
    }
  });
});

describe.each(OPERATIONS.filter((o) => o.statuses.includes(415)).map((o) => [o.operationId] as const))(
  '%s with a non-JSON body',
  (operationId) => {
    it('415', async () => {
      const { user, token } = await freshUser();
      const call = await SUCCESS_FIXTURES[operationId]({ h, user, setupToken: token });
      const res = await h.call(call.method, call.path, {
        token,
        rawBody: 'type=totp',
        contentType: 'text/plain',
        operationId,
      });
      expect(res.status).toBe(415);
    });
  },
);

describe('404 and 409', () => {
  it('getAuthenticationMethod: 404 for an unknown id', async () => {
    const { token } = await freshUser();
    const res = await h.call('GET', `${AM}/totp%7Cdev_unknown`, {
      token,
      operationId: 'getAuthenticationMethod',
    });
    expect(res.status).toBe(404);
  });

  it('deleteAuthenticationMethod: 409 for the last primary credential', async () => {
    const { user, token } = await freshUser();
    const id = encodeURIComponent(`password|${Buffer.from(user.user_id).toString('base64url')}`);
    expect(
      (await h.call('DELETE', `${AM}/${id}`, { token, operationId: 'deleteAuthenticationMethod' })).status,
    ).toBe(409);
  });

  it('completeConnectedAccountRequest: 409 when that connection is already linked', async () => {
    const { user, token } = await freshUser();
    const start = await h.call('POST', `${M}/connected-accounts/connect`, {
      token,
      body: { connection: 'example-oauth2', redirect_uri: REDIRECT_URI },
    });
    await seedConnectedAccount(h, user.user_id);
    const code = (await approveTicket(h, start.body.connect_params.ticket)).get('connect_code');
    const res = await h.call('POST', `${M}/connected-accounts/complete`, {
      token,
      body: { auth_session: start.body.auth_session, connect_code: code, redirect_uri: REDIRECT_URI },
      operationId: 'completeConnectedAccountRequest',
    });
    expect(res.status).toBe(409);
  });
});

describe('the contract checker', () => {
  it('flags a wrong body, a missing header and an undeclared status', () => {
    expect(
      contractProblems(
        'getFactors',
        200,
        { 'content-type': 'application/json' },
        { factors: [{ usage: [] }] },
      ).length,
    ).toBeGreaterThan(0);
    expect(
      contractProblems(
        'createAuthenticationMethod',
        202,
        {
          'content-type': 'application/json',
          'x-ratelimit-limit': '1',
          'x-ratelimit-remaining': '1',
          'x-ratelimit-reset': '1',
        },
        { id: 'x', auth_session: 'y' },
      ),
    ).toContain('missing header Location');
    expect(contractProblems('getConsents', 201, {}, {})).toHaveLength(1);
  });
});

// Declared statuses that cannot occur here: getFactors has no input at all, so no 400; consents are
// `planned` in the OAS and the tenant records none, so a single consent is never found.
const IMPOSSIBLE = new Set(['getFactors 400', 'getConsent 200']);

it('every status every operation declares was produced and checked', () => {
  const missing = OPERATIONS.flatMap((op) =>
    op.statuses
      .filter((s) => !covered.get(op.operationId)?.has(s) && !IMPOSSIBLE.has(`${op.operationId} ${s}`))
      .map((s) => `${op.operationId} ${s}`),
  );
  expect(missing).toEqual([]);
});
