import { Injectable } from '@nestjs/common';
import { hasConfirmedMfaFactor } from './confirmed-factor.js';
import { ConfirmedFactorCache } from './confirmed-factor-cache.js';
import { InsufficientScope } from './gateway-error.js';
import { MyAccountGateway, type GatewayCaller } from './my-account-gateway.js';

/**
 * Whether a user has a confirmed MFA factor, for the first-factor rule
 * (docs/architecture.md#the-my-account-proxy): asked of the My Account API itself (`GET
 * /authentication-methods` with the user's own token) and remembered briefly. Undefined when the answer is
 * unusable (no read scope, an error body): the policy then asks for MFA.
 */
@Injectable()
export class FirstFactorCheck {
  readonly cache = new ConfirmedFactorCache();

  constructor(private readonly gateway: MyAccountGateway) {}

  async hasConfirmedFactor(user: string, caller: GatewayCaller): Promise<boolean | undefined> {
    const cached = this.cache.get(user);
    if (cached !== undefined) return cached;
    const value = await this.ask({ ...caller, stepUp: undefined });
    if (value !== undefined) this.cache.set(user, value);
    return value;
  }

  /** After a successful write to the user's authentication methods the fact may have changed. */
  forget(user: string): void {
    this.cache.forget(user);
  }

  private async ask(caller: GatewayCaller): Promise<boolean | undefined> {
    const match = this.gateway.match({ method: 'GET', path: '/authentication-methods' });
    try {
      const result = await this.gateway.forward(match, caller, { headers: { accept: 'application/json' } });
      if (result.status !== 200) return undefined;
      return hasConfirmedMfaFactor(JSON.parse(result.body.toString('utf8')));
    } catch (error) {
      // Without the read scope, or with a body that is not JSON, the fact is unknown; outages propagate.
      if (error instanceof InsufficientScope || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }
}
