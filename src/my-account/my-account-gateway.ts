import type { IncomingHttpHeaders } from 'node:http';
import type { Metrics } from '../metrics/metrics.service.js';
import { secondsSince } from '../metrics/metrics.service.js';
import { normalizeReturnTo } from '../http/return-to.js';
import { decideStepUp, type StepUpFacts } from '../step-up/evaluate-step-up.js';
import { DEFAULT_STEP_UP_POLICY, type StepUpPolicy } from '../step-up/step-up-policy.js';
import { stepUpRequired } from '../step-up/step-up-required.js';
import { translateUpstreamChallenge } from '../step-up/upstream-challenge.js';
import type { DpopProofFactory } from './dpop.js';
import { InsufficientScope, InvalidBody, upstreamOutcomeOf, UpstreamUnavailable } from './gateway-error.js';
import { forwardedFromNode } from './headers.js';
import { matchRoute, type RouteMatch, type RouteRequest } from './match-route.js';
import { returnToFromReferer } from './proxy-request.js';
import { MY_ACCOUNT_ROUTES, type MyAccountRoute } from './route-table.js';
import type { UpstreamClient, UpstreamResult } from './upstream-client.js';

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
  /** Where the browser should come back after a login the answer asks for (same-origin path, else `/`). */
  readonly returnTo?: string;
  /**
   * Without `returnTo`, the browser's `Referer`: the page to come back to after a login the answer asks for (`login_url`),
   * when it is one of ours (else `/`). Read only when an answer needs it.
   */
  readonly referer?: string;
}

export interface GatewayRequest {
  /** The browser's request headers, names in lower case as Node gives them (only allow-listed ones are forwarded). */
  readonly headers: IncomingHttpHeaders;
  /** The BFF's id of this request, forwarded as `x-request-id` (one id per call). */
  readonly requestId?: string;
  readonly body?: Buffer;
}

export interface GatewayOptions {
  readonly routes?: readonly MyAccountRoute[];
  /** The app's one step-up policy (`STEP_UP_POLICY`); the default policy when absent (tests). */
  readonly stepUpPolicy?: StepUpPolicy;
  /** The BFF's public origin: a Referer from elsewhere never becomes a `returnTo`. */
  readonly publicOrigin?: string;
  /** Epoch seconds; injectable for tests. */
  readonly now?: () => number;
  /** Records each upstream call's outcome and duration. */
  readonly metrics?: Pick<Metrics, 'upstream'>;
}

/**
 * The My Account proxy's decisions in order (docs/architecture.md#the-my-account-proxy): route (400/404/405),
 * scope (403), step-up (401), then one forward; an upstream RFC 9470 challenge becomes the BFF's own, a
 * malformed one a 502. Knows nothing of sessions: the caller passes what the session holds. Remembers the
 * upstream's latest DPoP nonce.
 */
export class MyAccountGateway {
  private dpopNonce: string | undefined;
  readonly routes: readonly MyAccountRoute[];
  private readonly policy: StepUpPolicy;
  private readonly now: () => number;
  private readonly metrics: Pick<Metrics, 'upstream'> | undefined;
  private readonly publicOrigin: string;

  constructor(
    private readonly client: UpstreamClient,
    options: GatewayOptions = {},
  ) {
    this.routes = options.routes ?? MY_ACCOUNT_ROUTES;
    this.policy = options.stepUpPolicy ?? DEFAULT_STEP_UP_POLICY;
    this.now = options.now ?? nowSeconds;
    this.metrics = options.metrics;
    this.publicOrigin = options.publicOrigin ? new URL(options.publicOrigin).origin : '';
  }

  /** Step 1, before any session work: refuses what is not in the route table. */
  match(request: RouteRequest): RouteMatch {
    return matchRoute(request, this.routes);
  }

  /** Steps 2-4 for a matched request. Throws GatewayErrors; returns what to send to the browser. */
  async forward(match: RouteMatch, caller: GatewayCaller, request: GatewayRequest): Promise<UpstreamResult> {
    this.authorize(match, caller, request.body);
    return this.send(match, caller, request);
  }

  /**
   * Steps 2-3, before anything is sent: the body the route takes, the scope (403), the step-up policy
   * (401 challenge). Throws GatewayErrors.
   */
  authorize(match: RouteMatch, caller: GatewayCaller, body?: Buffer): void {
    const { route } = match;
    if (body && !route.hasJsonBody) throw new InvalidBody(`${route.operationId} takes no request body`);
    if (!caller.scopes.has(route.scope)) {
      const returnTo = this.returnTo(caller);
      throw new InsufficientScope(
        route.scope,
        `/auth/login?${new URLSearchParams({ scope: route.scope, returnTo })}`,
      );
    }
    if (caller.stepUp) {
      const decision = decideStepUp(route, caller.stepUp, this.policy, this.now());
      if (!decision.ok) {
        const reason = { kind: 'policy', challenge: decision.challenge } as const;
        throw stepUpRequired(reason, this.policy, this.returnTo(caller));
      }
    }
  }

  /** Step 4 for an authorized request: one forward; an upstream step-up challenge becomes the BFF's own. */
  async send(match: RouteMatch, caller: GatewayCaller, request: GatewayRequest): Promise<UpstreamResult> {
    const started = performance.now();
    let result: UpstreamResult;
    try {
      result = await this.client.forward({
        match,
        headers: forwardedFromNode(request.headers, request.requestId),
        body: request.body,
        authorization: caller.authorization,
        dpop: caller.dpop,
        dpopNonce: this.dpopNonce,
      });
    } catch (error) {
      this.metrics?.upstream(match.route.operationId, upstreamOutcomeOf(error), secondsSince(started));
      throw error;
    }
    this.metrics?.upstream(match.route.operationId, result.status, secondsSince(started));
    if (result.dpopNonce) this.dpopNonce = result.dpopNonce;
    return this.checkChallenge(result, caller);
  }

  private checkChallenge(result: UpstreamResult, caller: GatewayCaller): UpstreamResult {
    if (result.status !== 401) return result;
    const verdict = translateUpstreamChallenge(result, this.policy);
    if (verdict.kind === 'step_up') {
      const reason = { kind: 'upstream', challenge: verdict.challenge } as const;
      throw stepUpRequired(reason, this.policy, this.returnTo(caller));
    }
    if (verdict.kind === 'invalid')
      throw new UpstreamUnavailable(
        `The My Account API sent an unusable step-up challenge (${verdict.reason})`,
      );
    return result;
  }

  /** The same-origin path a login asked for by this answer should return to (BCP-6). */
  private returnTo(caller: GatewayCaller): string {
    if (caller.returnTo !== undefined) return normalizeReturnTo(caller.returnTo);
    return normalizeReturnTo(returnToFromReferer(caller.referer, this.publicOrigin));
  }
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
