import { createHash } from 'node:crypto';
import type { SeedUser, TenantConfig } from '../config/tenant-config.schema.js';
import { newMethodIdSuffix, type AccountStore } from './account-store.js';
import type { Account, StoredMethod } from './account.types.js';
import { hashSecret } from './secret-hash.js';

type SeedMethod = SeedUser['methods'][number];

/** `auth0|` + 24 hex chars of SHA-256(lower-cased email): stable across restarts and machines. */
export function seedUserId(user: Pick<SeedUser, 'user_id' | 'email'>): string {
  if (user.user_id) return user.user_id;
  const digest = createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex');
  return `auth0|${digest.slice(0, 24)}`;
}

async function toStoredMethod(method: SeedMethod, now: string): Promise<StoredMethod> {
  const base = { id: `${method.type}|${newMethodIdSuffix()}`, created_at: now, confirmed: true };
  switch (method.type) {
    case 'totp':
      return { ...base, type: 'totp', secret: method.secret, ...(method.name ? { name: method.name } : {}) };
    case 'email':
      return { ...base, type: 'email', email: method.email, ...(method.name ? { name: method.name } : {}) };
    case 'phone':
      return {
        ...base,
        type: 'phone',
        phone_number: method.phone_number,
        preferred_authentication_method: method.preferred_authentication_method,
        ...(method.name ? { name: method.name } : {}),
      };
    case 'recovery-code':
      return { ...base, type: 'recovery-code', code_hash: await hashSecret(method.code) };
  }
}

export async function buildSeedAccount(user: SeedUser, connection: string): Promise<Account> {
  const now = new Date().toISOString();
  return {
    user_id: seedUserId(user),
    email: user.email,
    email_verified: true,
    name: user.name ?? user.email,
    ...(user.picture ? { picture: user.picture } : {}),
    connection,
    password: { hash: await hashSecret(user.password), changed_at: now, history: [] },
    mfa: user.mfa,
    permissions: [...user.permissions],
    methods: await Promise.all(user.methods.map((m) => toStoredMethod(m, now))),
    connected_accounts: [],
    created_at: now,
  };
}

/**
 * Creates the configured users that do not exist yet. `AccountStore.create` is NX, so an existing user
 * (and whatever they enrolled since) is never overwritten by a restart. Returns the ids created.
 */
export async function seedAccounts(accounts: AccountStore, config: TenantConfig): Promise<string[]> {
  const created: string[] = [];
  for (const user of config.users) {
    const userId = seedUserId(user);
    if (await accounts.findById(userId)) continue;
    if (await accounts.create(await buildSeedAccount(user, config.tenant.database_connection)))
      created.push(userId);
  }
  return created;
}
