import { MFA_ACR, resolveStepUpRequirement } from '../step-up/step-up-policy.js';
import { MY_ACCOUNT_ROUTES } from './route-table.js';

// The default step-up policy over the route table (SU-14): what each My Account operation needs.
describe('the default step-up policy over the My Account route table', () => {
  it.each(MY_ACCOUNT_ROUTES.map((r) => [r.method, r.path, r.operationId]))(
    '%s %s',
    (method, _path, operationId) => {
      const requirement = resolveStepUpRequirement({ method, operationId });
      if (method === 'GET') expect(requirement).toBeNull();
      else expect(requirement).toMatchObject({ acrValues: MFA_ACR, maxAge: 300 });
    },
  );

  it('lets only enrollment (create, verify) go ahead on a login alone for a first factor', () => {
    const firstFactor = MY_ACCOUNT_ROUTES.filter((r) => resolveStepUpRequirement(r)?.firstFactorAllowed).map(
      (r) => r.operationId,
    );
    expect(firstFactor.sort()).toEqual(['confirmAuthenticationMethod', 'createAuthenticationMethod']);
  });

  it('knows the method of every operation the step-up unit cases name', () => {
    const methods = Object.fromEntries(MY_ACCOUNT_ROUTES.map((r) => [r.operationId, r.method]));
    expect(methods).toMatchObject({
      getFactors: 'GET',
      getAuthenticationMethods: 'GET',
      createAuthenticationMethod: 'POST',
      confirmAuthenticationMethod: 'POST',
      updateAuthenticationMethod: 'PATCH',
      deleteAuthenticationMethod: 'DELETE',
      createConnectedAccountRequest: 'POST',
      deleteConnectedAccount: 'DELETE',
    });
  });
});
