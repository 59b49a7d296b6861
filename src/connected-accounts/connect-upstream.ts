import { Inject, Injectable } from '@nestjs/common';
import { NotAuthenticated } from '../http/bff-error.js';
import { DpopKey } from '../my-account/dpop.js';
import { MyAccountGateway, type GatewayCaller } from '../my-account/my-account-gateway.js';
import { AccessTokens, RefreshRequiresMfa } from '../session/access-tokens.service.js';
import type { CurrentSession } from '../session/session.service.js';
import type { TokenSet } from '../session/session.types.js';
import { stepUpFactsOf } from '../step-up/evaluate-step-up.js';
import { STEP_UP_POLICY } from '../step-up/step-up-policy.provider.js';
import type { StepUpPolicy } from '../step-up/step-up-policy.js';
import { stepUpRequired } from '../step-up/step-up-required.js';

/** The gateway these calls go through (route table, scope and step-up checks, one upstream pool). */
export const CONNECT_GATEWAY = 'CONNECT_GATEWAY';

export interface UpstreamAnswer {
  readonly status: number;
  /** The parsed JSON body, or undefined when there was none or it was not JSON. */
  readonly body: unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };

/**
 * The BFF's own calls to `/connected-accounts/connect` and `/complete` with the session's access token
 * (refreshed when due), through the My Account gateway: the same route table, scope check and step-up
 * policy as the proxy. Throws the gateway's errors (InsufficientScope, StepUpRequired, UpstreamUnavailable).
 */
@Injectable()
export class ConnectUpstream {
  constructor(
    @Inject(CONNECT_GATEWAY) private readonly gateway: MyAccountGateway,
    private readonly accessTokens: AccessTokens,
    @Inject(STEP_UP_POLICY) private readonly policy: StepUpPolicy,
  ) {}

  /** `POST /connected-accounts/connect`: the step-up policy applies (a fresh MFA by default). */
  connect(session: CurrentSession, body: object, returnTo: string): Promise<UpstreamAnswer> {
    return this.post(session, '/connected-accounts/connect', body, returnTo, true);
  }

  /**
   * `POST /connected-accounts/complete`: the step-up was proven when this very flow started (same session,
   * single-use state, at most the transaction's lifetime ago); asking again here would lose the
   * single-use `connect_code`. Upstream challenges still apply.
   */
  complete(session: CurrentSession, body: object, returnTo: string): Promise<UpstreamAnswer> {
    return this.post(session, '/connected-accounts/complete', body, returnTo, false);
  }

  private async post(
    session: CurrentSession,
    path: string,
    body: object,
    returnTo: string,
    applyStepUp: boolean,
  ): Promise<UpstreamAnswer> {
    const match = this.gateway.match({ method: 'POST', path });
    const caller = await this.caller(session, returnTo, applyStepUp);
    const result = await this.gateway.forward(match, caller, {
      headers: JSON_HEADERS,
      body: Buffer.from(JSON.stringify(body)),
    });
    return { status: result.status, body: parseJson(result.body) };
  }

  private async caller(
    session: CurrentSession,
    returnTo: string,
    applyStepUp: boolean,
  ): Promise<GatewayCaller> {
    const tokens = await this.tokens(session, returnTo);
    const { data } = session;
    return {
      scopes: new Set(tokens.scope === undefined ? data.scopes : tokens.scope.split(' ')),
      ...(await credentials(tokens)),
      ...(applyStepUp ? { stepUp: stepUpFactsOf(data) } : {}),
      returnTo,
    };
  }

  /**
   * Auth0's `mfa_required` on refresh is a step-up like any other
   * (docs/architecture.md#the-my-account-proxy).
   */
  private async tokens(session: CurrentSession, returnTo: string): Promise<TokenSet> {
    try {
      return await this.accessTokens.forSession(session.id, session.data.user);
    } catch (err) {
      if (!(err instanceof RefreshRequiresMfa)) throw err;
      throw stepUpRequired({ kind: 'refresh_mfa_required' }, this.policy, returnTo);
    }
  }
}

async function credentials(tokens: TokenSet): Promise<Pick<GatewayCaller, 'authorization' | 'dpop'>> {
  if (tokens.tokenType !== 'dpop') return { authorization: `Bearer ${tokens.accessToken}` };
  if (!tokens.dpopKey) throw new NotAuthenticated('The session could not be read. Sign in again.');
  const key = await DpopKey.fromPrivateJwk(tokens.dpopKey);
  return { authorization: `DPoP ${tokens.accessToken}`, dpop: key.proofFactory(tokens.accessToken) };
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
