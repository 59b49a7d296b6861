import { hashSecret } from '../../accounts/secret-hash.js';
import { badRequest } from '../http/api-error.js';
import { PENDING_PASSWORD_ID, passwordMethodId } from '../methods/method-ids.js';
import type { Enroller } from './enroller.js';
import { assertOwnIdentity } from './identity-check.js';
import { PASSWORD_POLICY, passwordPolicyProblems, replacePassword } from './password-policy.js';

/** Setting or changing the password: create returns the policy, verify enforces it and keeps the history. */
export const passwordEnroller: Enroller = {
  type: 'password',
  async start({ account }, body) {
    assertOwnIdentity(account, body);
    return {
      methodId: PENDING_PASSWORD_ID,
      data: {},
      response: { id: PENDING_PASSWORD_ID, policy: PASSWORD_POLICY },
    };
  },
  async verify({ account }, _session, body) {
    const password = String(body.new_password);
    const problems = await passwordPolicyProblems(password, account);
    if (problems.length > 0) {
      throw badRequest(
        'password_policy',
        'The new password does not satisfy the password policy',
        problems.map((p) => ({
          detail: `new_password ${p}`,
          field: 'new_password',
          pointer: '/new_password',
          source: 'body',
        })),
      );
    }
    const hash = await hashSecret(password);
    return (current) => {
      replacePassword(current, hash);
      return passwordMethodId(current.user_id);
    };
  },
};
