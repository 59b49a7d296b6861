import { MY_ACCOUNT_SCOPES } from '../../config/tenant-config.schema.js';
import { buildOperations, matchRoute } from './operations.js';

const operations = buildOperations();

describe('operation table from the OAS', () => {
  it('has the 15 operations with one scope each, all among the My Account scopes', () => {
    expect(operations).toHaveLength(15);
    for (const op of operations) expect(MY_ACCOUNT_SCOPES).toContain(op.scope);
    expect(new Set(operations.map((o) => o.scope))).toEqual(new Set(MY_ACCOUNT_SCOPES));
  });

  it('verify needs the create scope, complete the create scope (as the OAS says)', () => {
    const scope = (id: string) => operations.find((o) => o.operationId === id)!.scope;
    expect(scope('confirmAuthenticationMethod')).toBe('create:me:authentication_methods');
    expect(scope('completeConnectedAccountRequest')).toBe('create:me:connected_accounts');
  });

  it.each([
    ['GET', '/factors', 'found', 'getFactors', {}],
    [
      'GET',
      '/authentication-methods/totp%7Cdev_abc',
      'found',
      'getAuthenticationMethod',
      { authentication_method_id: 'totp%7Cdev_abc' },
    ],
    [
      'GET',
      '/authentication-methods/totp|dev_abc',
      'found',
      'getAuthenticationMethod',
      { authentication_method_id: 'totp|dev_abc' },
    ],
    [
      'POST',
      '/authentication-methods/passkey%7Cnew/verify',
      'found',
      'confirmAuthenticationMethod',
      { authentication_method_id: 'passkey%7Cnew' },
    ],
    ['DELETE', '/connected-accounts/accounts/cac_1', 'found', 'deleteConnectedAccount', { id: 'cac_1' }],
    ['PUT', '/authentication-methods', 'method_not_allowed', undefined, undefined],
    ['GET', '/authentication-methods/a/b', 'not_found', undefined, undefined],
    ['GET', '/factors/', 'not_found', undefined, undefined],
    ['GET', '/Factors', 'not_found', undefined, undefined],
  ])('%s %s → %s', (method, path, kind, operationId, params) => {
    const match = matchRoute(operations, method, path);
    expect(match.kind).toBe(kind);
    if (match.kind === 'found') {
      expect(match.operation.operationId).toBe(operationId);
      expect(match.rawParams).toEqual(params);
    }
  });
});
