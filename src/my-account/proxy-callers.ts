import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import type { SessionData } from '../session/session.types.js';
import type { BearerCaller } from '../bearer/bearer-caller.js';
import type { ServerConfig } from '../config/config.schema.js';
import { SERVER_CONFIG } from '../config/config.tokens.js';
import { NotAuthenticated } from '../http/bff-error.js';
import { AccessTokens, RefreshRequiresMfa } from '../session/access-tokens.service.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService, type CurrentSession } from '../session/session.service.js';
import type { SessionUser, TokenSet } from '../session/session.types.js';
import { isFresh, stepUpFactsOf } from '../step-up/evaluate-step-up.js';
import { STEP_UP_POLICY } from '../step-up/step-up-policy.provider.js';
import { resolveStepUpRequirement, type StepUpPolicy } from '../step-up/step-up-policy.js';
import { stepUpRequired } from '../step-up/step-up-required.js';
import { DpopKey } from './dpop.js';
import { FirstFactorCheck } from './first-factor.service.js';
import type { GatewayCaller } from './my-account-gateway.js';
import type { RouteMatch } from './match-route.js';
import { returnToFromReferer } from './proxy-request.js';

/** Who is calling the proxy, as the gateway needs it, plus identifiers for audit lines (never secrets). */
export interface ResolvedCaller {
  readonly caller: GatewayCaller;
  /** The user (`sub`). */
  readonly sub: string;
  /** A non-secret handle of the session (`sessionHandle`), for session callers. */
  readonly session?: string;
  /** Session callers: what a forced refresh needs when the API refuses the access token (never logged). */
  readonly rejectable?: { readonly sid: string; readonly user: SessionUser; readonly accessToken: string };
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** 401 `login_required` because the session ended while serving this request (D5): its cookie goes too. */
export class SessionEnded extends NotAuthenticated {}

/**
 * Resolves the caller of a matched proxy request (docs/architecture.md#the-http-surface,
 * docs/architecture.md#the-my-account-proxy): the session when the request has one (the cookie wins: a
 * browser-sent Authorization header is never looked at, and never forwarded), else a bearer caller that
 * `BearerGuard` validated, else 401 `login_required`.
 */
@Injectable()
export class ProxyCallers {
  private readonly publicOrigin: string;

  constructor(
    private readonly sessions: SessionService,
    private readonly accessTokens: AccessTokens,
    private readonly firstFactor: FirstFactorCheck,
    @Inject(STEP_UP_POLICY) private readonly policy: StepUpPolicy,
    @Inject(SERVER_CONFIG) server: ServerConfig,
  ) {
    this.publicOrigin = new URL(server.publicOrigin).origin;
  }

  async resolve(req: Request, match: RouteMatch): Promise<ResolvedCaller> {
    const referer = req.headers.referer;
    const session = this.sessions.current(req);
    if (session) return this.forSession(session, match, referer);
    if (req.bearerCaller) return forBearer(req.bearerCaller, referer);
    throw new NotAuthenticated();
  }

  private async forSession(
    session: CurrentSession,
    match: RouteMatch,
    referer: string | undefined,
  ): Promise<ResolvedCaller> {
    const { data } = session;
    const tokens = await this.tokens(session, referer);
    const resolved = await sessionCaller(session.id, data, tokens, referer);
    const { caller } = resolved;
    if (!this.needsFirstFactorFact(match, caller.stepUp!.lastMfaAt)) return resolved;
    const hasConfirmedFactor = await this.firstFactor.hasConfirmedFactor(data.user.sub, caller);
    return { ...resolved, caller: { ...caller, stepUp: { ...caller.stepUp!, hasConfirmedFactor } } };
  }

  /**
   * The caller with new credentials after the API refused its access token as `invalid_token` although
   * it looked fresh: one forced refresh per session (AccessTokens.forceRefresh), errors as for `tokens`.
   */
  async afterRejected(resolved: ResolvedCaller): Promise<GatewayCaller> {
    const { sid, user, accessToken } = resolved.rejectable!;
    let tokens: TokenSet;
    try {
      tokens = await this.accessTokens.forceRefresh(sid, user, accessToken);
    } catch (error) {
      throw this.refreshError(error, resolved.caller.referer);
    }
    return { ...resolved.caller, ...(await credentials(tokens)) };
  }

  /** The fact is asked for only where the policy could use it: a first-factor operation without fresh MFA. */
  needsFirstFactorFact(match: RouteMatch, lastMfaAt: number | null): boolean {
    const requirement = resolveStepUpRequirement(match.route, this.policy);
    return !!requirement?.firstFactorAllowed && !isFresh(lastMfaAt, nowSeconds(), requirement.maxAge);
  }

  /**
   * A fresh access token (refreshed once per session across instances by AccessTokens). `invalid_grant` has
   * already ended the session there (401 login_required, the cookie cleared here), as has a token record that
   * is gone or does not decrypt; an outage is a 503 with the session kept; Auth0's `mfa_required` on refresh
   * becomes the step-up challenge (docs/architecture.md#the-my-account-proxy).
   */
  private async tokens(session: CurrentSession, referer: string | undefined): Promise<TokenSet> {
    try {
      return await this.accessTokens.forSession(session.id, session.data.user);
    } catch (error) {
      throw this.refreshError(error, referer);
    }
  }

  /** A refresh that failed: the session ended (its cookie goes too), an MFA step-up, or as thrown (503). */
  private refreshError(error: unknown, referer: string | undefined): unknown {
    if (error instanceof NotAuthenticated) return new SessionEnded(error.detail);
    if (!(error instanceof RefreshRequiresMfa)) return error;
    const returnTo = returnToFromReferer(referer, this.publicOrigin);
    return stepUpRequired({ kind: 'refresh_mfa_required' }, this.policy, returnTo);
  }
}

/**
 * A session's caller as the gateway needs it, from the session data and its (fresh) tokens: granted
 * scopes, credentials, the step-up facts of the session record (SU-9). The first-factor fact is unknown.
 */
export async function sessionCaller(
  sid: string,
  data: SessionData,
  tokens: TokenSet,
  referer: string | undefined,
): Promise<ResolvedCaller> {
  const caller: GatewayCaller = {
    scopes: tokens.scope ? scopeSet(tokens.scope) : new Set(data.scopes),
    ...(tokens.tokenType === 'dpop' ? await credentials(tokens) : bearer(tokens)),
    stepUp: stepUpFactsOf(data),
    referer,
  };
  const rejectable = { sid, user: data.user, accessToken: tokens.accessToken };
  // The handle is a hash, needed only by audit lines and write rate limits: computed when first read.
  return {
    caller,
    sub: data.user.sub,
    get session() {
      return sessionHandle(sid);
    },
    rejectable,
  };
}

/**
 * The granted scopes of a token's `scope` string. Every session of an application holds one of a few such
 * strings, so their sets are kept (bounded) rather than split on every request.
 */
const scopeSets = new Map<string, ReadonlySet<string>>();
function scopeSet(scope: string): ReadonlySet<string> {
  let set = scopeSets.get(scope);
  if (!set) {
    if (scopeSets.size >= 64) scopeSets.clear();
    set = new Set(scope.split(' ').filter(Boolean));
    scopeSets.set(scope, set);
  }
  return set;
}

const bearer = (tokens: TokenSet) => ({ authorization: `Bearer ${tokens.accessToken}` });

async function credentials(tokens: TokenSet): Promise<Pick<GatewayCaller, 'authorization' | 'dpop'>> {
  if (tokens.tokenType !== 'dpop') return bearer(tokens);
  // A DPoP-bound token is useless without its key: sign in again rather than send it as Bearer.
  if (!tokens.dpopKey) throw new NotAuthenticated('The session could not be read. Sign in again.');
  const key = await DpopKey.fromPrivateJwk(tokens.dpopKey);
  return { authorization: `DPoP ${tokens.accessToken}`, dpop: key.proofFactory(tokens.accessToken) };
}

/** No step-up facts: the BFF cannot judge a token it did not obtain (SU-9); upstream challenges still apply. */
function forBearer(bearer: BearerCaller, referer: string | undefined): ResolvedCaller {
  return {
    caller: { scopes: new Set(bearer.scopes), authorization: `Bearer ${bearer.accessToken}`, referer },
    sub: bearer.sub,
  };
}
