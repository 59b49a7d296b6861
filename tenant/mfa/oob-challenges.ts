import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Account, StoredEmail, StoredPhone } from '../accounts/account.types.js';
import { hashLoginCode, newLoginCode } from '../accounts/login-factors.js';
import type { Outbox } from '../dev/outbox.js';

/**
 * An out-of-band challenge of the MFA API: a 6-digit code sent by email, SMS or voice (to the dev outbox)
 * and the `oob_code` that names it, tied to the mfa_token it was asked with. The `mfa-oob` grant redeems
 * `oob_code` + `binding_code` (the sent code; `binding_method: "prompt"`). Codes live 5 minutes, as
 * Auth0's MFA codes; a redeemed challenge is gone.
 */
export interface OobChallenge {
  mfaTokenHash: string;
  accountId: string;
  methodId: string;
  codeHash: string;
}

const TTL_SECONDS = 300;

export const hashMfaToken = (token: string) => createHash('sha256').update(token).digest('base64url');

export class OobChallenges {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly outbox: Outbox,
    private readonly friendlyName: string,
  ) {}

  private key(oobCode: string): string {
    return `${this.prefix}mfa-oob:${oobCode}`;
  }

  /** Sends a fresh code to `method` and returns the `oob_code` that stands for it. */
  async send(mfaToken: string, account: Account, method: StoredEmail | StoredPhone): Promise<string> {
    const code = newLoginCode();
    await this.outbox.deliver({
      channel: method.type === 'email' ? 'email' : method.preferred_authentication_method,
      to: method.type === 'email' ? method.email : method.phone_number,
      user_id: account.user_id,
      purpose: 'login',
      code,
      text: `Your ${this.friendlyName} verification code is ${code}`,
    });
    const oobCode = `Fe26.${randomBytes(24).toString('base64url')}`;
    const challenge: OobChallenge = {
      mfaTokenHash: hashMfaToken(mfaToken),
      accountId: account.user_id,
      methodId: method.id,
      codeHash: hashLoginCode(code),
    };
    await this.redis.set(this.key(oobCode), JSON.stringify(challenge), 'EX', TTL_SECONDS);
    return oobCode;
  }

  /** The challenge `oobCode` names, when it was asked with this mfa_token. */
  async find(oobCode: string, mfaToken: string): Promise<OobChallenge | undefined> {
    if (!/^[A-Za-z0-9._-]{1,100}$/.test(oobCode)) return undefined;
    const raw = await this.redis.get(this.key(oobCode));
    const challenge = raw ? (JSON.parse(raw) as OobChallenge) : undefined;
    return challenge?.mfaTokenHash === hashMfaToken(mfaToken) ? challenge : undefined;
  }

  async remove(oobCode: string): Promise<boolean> {
    return (await this.redis.del(this.key(oobCode))) === 1;
  }
}
