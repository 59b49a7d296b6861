import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { AccountStore } from './accounts/account-store.js';
import type { Outbox } from './dev/outbox.js';
import type { TenantKeys } from './keys.js';
import type { TenantConfig } from './config/tenant-config.schema.js';

/** What every part of the tenant shares; built once at boot by `startTenant`. */
export interface TenantContext {
  readonly config: TenantConfig;
  readonly redis: Redis;
  /** `config.redis.prefix`: every tenant key starts with it. */
  readonly prefix: string;
  readonly accounts: AccountStore;
  readonly outbox: Outbox;
  readonly keys: TenantKeys;
  /** The canonical issuer first, then one per custom domain; each ends with "/". */
  readonly issuers: readonly string[];
  /** The My Account audience for an issuer: `${issuer}me/`. */
  myAccountAudience(issuer: string): string;
}

/** A plain Node request handler; the tenant server dispatches to these by path prefix. */
export type TenantHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** A part of the tenant mounted under a path prefix (e.g. `/me/v1/`, `/__dev/`, `/connect`). */
export interface TenantMount {
  readonly prefix: string;
  readonly handler: TenantHandler;
}
