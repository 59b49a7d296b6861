import type { AccountStore } from '../accounts/account-store.js';
import type { Account } from '../accounts/account.types.js';

/** The standard claims a user's ID token and /userinfo may carry, filtered by scope by oidc-provider. */
export function accountClaims(account: Account): Record<string, unknown> {
  return {
    sub: account.user_id,
    name: account.name,
    nickname: account.nickname ?? account.email.split('@')[0],
    ...(account.given_name ? { given_name: account.given_name } : {}),
    ...(account.family_name ? { family_name: account.family_name } : {}),
    ...(account.picture ? { picture: account.picture } : {}),
    email: account.email,
    email_verified: account.email_verified,
  };
}

/** oidc-provider's `findAccount`: the account behind a session or token, from the AccountStore. */
export function createFindAccount(accounts: AccountStore) {
  return async function findAccount(_ctx: unknown, sub: string) {
    const account = await accounts.findById(sub);
    if (!account) return undefined;
    return { accountId: account.user_id, claims: async () => accountClaims(account) };
  };
}
