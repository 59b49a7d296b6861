import { TotpReplayGuard } from '../accounts/totp-replay.js';
import type { TenantContext } from '../tenant-context.js';
import { MfaAttempts } from './mfa-attempts.js';
import { MfaTokens } from './mfa-tokens.js';
import { OobChallenges } from './oob-challenges.js';

/** The stores the MFA API endpoints and the MFA grants share (all in the tenant's Redis). */
export interface MfaServices {
  readonly tokens: MfaTokens;
  readonly oob: OobChallenges;
  readonly attempts: MfaAttempts;
  readonly totp: TotpReplayGuard;
}

export function createMfaServices(tenant: TenantContext): MfaServices {
  const { redis, prefix, config } = tenant;
  return {
    tokens: new MfaTokens(redis, prefix, config.tenant.mfa_token_lifetime_seconds),
    oob: new OobChallenges(redis, prefix, tenant.outbox, config.tenant.friendly_name),
    attempts: new MfaAttempts(redis, prefix),
    totp: new TotpReplayGuard(redis, prefix, config.tenant.totp_replays),
  };
}
