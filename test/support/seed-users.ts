import { fileURLToPath } from 'node:url';
import { loadTenantConfig } from '../../tenant/config/load-tenant-config.js';
import type { SeedUser } from '../../tenant/config/tenant-config.schema.js';

/**
 * The users every test tenant starts with, read from the seed it loads (`config/tenant.yaml`, which
 * tenant/accounts/seed.ts creates): a change to the seed reaches every suite, and no suite spells a password.
 */
export interface SeedAccount {
  readonly email: string;
  readonly name: string;
  readonly password: string;
  /** The base32 secret of the enrolled authenticator app, when the seed enrolls one. */
  readonly totpSecret?: string;
}

const SEED_FILE = fileURLToPath(new URL('../../config/tenant.yaml', import.meta.url));
const seed = loadTenantConfig(SEED_FILE, {});

function seededUser(email: string): SeedAccount {
  const user: SeedUser | undefined = seed.users.find((u) => u.email === email);
  if (!user) return missing(`user ${email}`);
  const totp = user.methods.find((m) => m.type === 'totp');
  return {
    email: user.email,
    name: user.name ?? user.email,
    password: user.password,
    ...(totp ? { totpSecret: totp.secret } : {}),
  };
}

/** demo@example.com: MFA on request, an authenticator app enrolled (`DEMO_TOTP_SECRET`). */
export const DEMO = seededUser('demo@example.com');
/** fresh@example.com: nothing enrolled. */
export const FRESH = seededUser('fresh@example.com');

/** What the tenant's login page takes (`TenantCredentials`, `loginThroughBff`). */
export const DEMO_USER = { username: DEMO.email, password: DEMO.password } as const;
export const FRESH_USER = { username: FRESH.email, password: FRESH.password } as const;
/** The demo user's authenticator app (base32): `totpNow(DEMO_TOTP_SECRET)` answers the tenant's MFA page. */
export const DEMO_TOTP_SECRET: string = DEMO.totpSecret ?? missing('a TOTP method for demo@example.com');

function missing(what: string): never {
  throw new Error(`config/tenant.yaml seeds no ${what}`);
}
