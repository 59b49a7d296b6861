import type { Account } from '../accounts/account.types.js';
import { verifySecret } from '../accounts/secret-hash.js';
import type { TenantContext } from '../tenant-context.js';

/**
 * The first factor (email + password), shared by the login page and the password-realm grant, with
 * Auth0-style brute-force protection: after `MAX_FAILURES` wrong passwords for one username within
 * `WINDOW_SECONDS`, that username is refused until the window passes (counted whether or not the user
 * exists, so the answer never tells which emails are registered).
 */

export const MAX_FAILURES = 10;
export const WINDOW_SECONDS = 900;

/** A hash to compare against when the user does not exist, so both cases take the same time. */
const DECOY_HASH = 'scrypt$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

const failuresKey = (tenant: TenantContext, username: string) =>
  `${tenant.prefix}login-failures:${username.trim().toLowerCase()}`;

/** Lifts the block on a username, as a password reset does at Auth0. */
export async function clearLoginFailures(tenant: TenantContext, username: string): Promise<void> {
  await tenant.redis.del(failuresKey(tenant, username));
}

export type PasswordCheck = { kind: 'ok'; account: Account } | { kind: 'wrong' } | { kind: 'blocked' };

export async function checkPassword(
  tenant: TenantContext,
  username: string,
  password: string,
): Promise<PasswordCheck> {
  const name = username.trim().toLowerCase();
  const key = failuresKey(tenant, name);
  const failures = Number(await tenant.redis.get(key)) || 0;
  if (failures >= MAX_FAILURES) return { kind: 'blocked' };
  const account = name ? await tenant.accounts.findByEmail(name) : undefined;
  const ok = await verifySecret(password, account?.password?.hash ?? DECOY_HASH);
  if (ok && account?.password) {
    if (failures > 0) await tenant.redis.del(key);
    return { kind: 'ok', account };
  }
  await tenant.redis.multi().incr(key).expire(key, WINDOW_SECONDS, 'NX').exec();
  return { kind: 'wrong' };
}
