import { MY_ACCOUNT_SCOPES } from '../../tenant/config/tenant-config.schema.js';
import { startHarness, type Harness } from './support/my-account-harness.js';
import { OPERATIONS } from './support/oas-contract.js';
import { SUCCESS_FIXTURES } from './support/operation-fixtures.js';

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

let n = 0;
async function env() {
  const user = await h.createUser(`scope-${n++}@example.com`);
  return { h, user, setupToken: await h.mintToken({ sub: user.user_id }) };
}

// Table-driven from the OAS `security` of each operation.
describe.each(OPERATIONS.map((op) => [op.operationId, op] as const))('%s', (operationId, op) => {
  it(`refuses a token without ${op.scope} (403 insufficient_scope)`, async () => {
    const e = await env();
    const call = await SUCCESS_FIXTURES[operationId](e);
    const others = MY_ACCOUNT_SCOPES.filter((s) => s !== op.scope).join(' ');
    const token = await h.mintToken({ sub: e.user.user_id, scope: others });
    const res = await h.call(call.method, call.path, { token, body: call.body, operationId });
    expect(res.status).toBe(403);
    expect(res.body.type).toBe('insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    expect(res.headers['www-authenticate']).toContain(`scope="${op.scope}"`);
  });

  it(`accepts a token with only ${op.scope}`, async () => {
    const e = await env();
    const call = await SUCCESS_FIXTURES[operationId](e);
    const token = await h.mintToken({ sub: e.user.user_id, scope: op.scope });
    const res = await h.call(call.method, call.path, { token, body: call.body, operationId });
    expect(res.status).toBe(call.status);
  });
});

it('the table covers every operation of the OAS', () => {
  expect(Object.keys(SUCCESS_FIXTURES).sort()).toEqual(OPERATIONS.map((o) => o.operationId).sort());
});
