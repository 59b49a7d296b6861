import type { Metrics } from '../metrics/metrics.service.js';
import { secondsSince } from '../metrics/metrics.service.js';
import { evaluateStepUp } from '../step-up/evaluate-step-up.js';
import { normalizeReturnTo } from '../http/return-to.js';
import { StepUpRequired } from '../step-up/step-up-challenge.js';
import { DEFAULT_STEP_UP_POLICY, type StepUpPolicy } from '../step-up/step-up-policy.js';
import { translateUpstreamChallenge } from '../step-up/upstream-challenge.js';
import type { DpopProofFactory } from './dpop.js';
import { InsufficientScope, InvalidBody, upstreamOutcomeOf, UpstreamUnavailable } from './gateway-error.js';
import { buildForwardedRequestHeaders } from './headers.js';
import { matchRoute, type RouteMatch, type RouteRequest } from './match-route.js';
import { MY_ACCOUNT_ROUTES, type MyAccountRoute } from './route-table.js';
import type { UpstreamClient, UpstreamResult } from './upstream-client.js';

/** The session facts step-up needs (epoch seconds), from the session record, never from the token (SU-9). */
export interface StepUpFacts {
  readonly lastMfaAt: number | null;
  readonly authTime: number | null;
  readonly hasConfirmedFactor: boolean | undefined;
}

/** Who calls, as the session (or the bearer validation) describes them. */
export interface GatewayCaller {
  /** Scopes granted to the access token. */
  readonly scopes: ReadonlySet<string>;
  /** `Bearer <at>` or `DPoP <at>`. */
  readonly authorization: string;
  readonly dpop?: DpopProofFactory;
  /**
   * Session callers: the BFF enforces its step-up policy before calling upstream. Absent for bearer callers,
   * whose token the BFF cannot judge (SU-9): only upstream challenges apply to them.
   */
  readonly stepUp?: StepUpFacts;
  /** Where the browser should come back after a login (same-origin path; anything else becomes `/`). */
  readonly returnTo?: string;
}

export interface GatewayRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body?: Buffer;
}

export interface GatewayOptions {
  readonly routes?: readonly MyAccountRoute[];
  readonly stepUpPolicy?: StepUpPolicy;
  /** Epoch seconds; injectable for tests. */
  readonly now?: () => number;
  /** Records each upstream call's outcome and duration. */
  readonly metrics?: Pick<Metrics, 'upstream'>;
}

/**
 * The My Account proxy's decisions in order (DESIGN §6): route (400/404/405), scope (403), step-up (401),
 * then one forward; an upstream RFC 9470 challenge becomes the BFF's own, a malformed one a 502. Knows
 * nothing of sessions: the caller passes what the session holds. Remembers the upstream's latest DPoP nonce.
 */
export class MyAccountGateway {
  private dpopNonce: string | undefined;
  private readonly routes: readonly MyAccountRoute[];
  private readonly policy: StepUpPolicy;
  private readonly now: () => number;
  private readonly metrics: Pick<Metrics, 'upstream'> | undefined;

  constructor(
    private readonly client: UpstreamClient,
    options: GatewayOptions = {},
  ) {
    this.routes = options.routes ?? MY_ACCOUNT_ROUTES;
    this.policy = options.stepUpPolicy ?? DEFAULT_STEP_UP_POLICY;
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000));
    this.metrics = options.metrics;
  }

  /** Step 1, before any session work: refuses what is not in the route table. */
  match(request: RouteRequest): RouteMatch {
    return matchRoute(request, this.routes);
  }

  /** Steps 2-4 for a matched request. Throws GatewayErrors; returns what to send to the browser. */
  async forward(match: RouteMatch, caller: GatewayCaller, request: GatewayRequest): Promise<UpstreamResult> {
    const { route } = match;
    if (request.body && !route.hasJsonBody)
      throw new InvalidBody(`${route.operationId} takes no request body`);
    const returnTo = normalizeReturnTo(caller.returnTo);
    if (!caller.scopes.has(route.scope)) {
      throw new InsufficientScope(
        route.scope,
        `/auth/login?${new URLSearchParams({ scope: route.scope, returnTo })}`,
      );
    }
    if (caller.stepUp) {
      const { lastMfaAt, authTime, hasConfirmedFactor } = caller.stepUp;
      const decision = evaluateStepUp({
        route,
        mfa: { lastMfaAt },
        authTime,
        hasConfirmedFactor,
        now: this.now(),
        policy: this.policy,
      });
      if (!decision.ok) throw new StepUpRequired(decision.challenge, returnTo);
    }
    const started = performance.now();
    let result: UpstreamResult;
    try {
      result = await this.client.forward({
        match,
        headers: buildForwardedRequestHeaders(request.headers),
        body: request.body,
        authorization: caller.authorization,
        dpop: caller.dpop,
        dpopNonce: this.dpopNonce,
      });
    } catch (error) {
      this.metrics?.upstream(route.operationId, upstreamOutcomeOf(error), secondsSince(started));
      throw error;
    }
    this.metrics?.upstream(route.operationId, result.status, secondsSince(started));
    if (result.dpopNonce) this.dpopNonce = result.dpopNonce;
    return this.checkChallenge(result, returnTo);
  }

  private checkChallenge(result: UpstreamResult, returnTo: string): UpstreamResult {
    const verdict = translateUpstreamChallenge(result, this.policy);
    if (verdict.kind === 'step_up') throw new StepUpRequired(verdict.challenge, returnTo);
    if (verdict.kind === 'invalid')
      throw new UpstreamUnavailable(
        `The My Account API sent an unusable step-up challenge (${verdict.reason})`,
      );
    return result;
  }
}
