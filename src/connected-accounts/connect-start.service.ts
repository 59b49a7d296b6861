import { Inject, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { ensureBinding, hashBinding } from '../auth/browser-binding.js';
import type { MyAccountConfig, OidcConfig, ServerConfig, SessionConfig } from '../config/config.schema.js';
import { MY_ACCOUNT_CONFIG, OIDC_CONFIG, SERVER_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { InsufficientScope } from '../my-account/gateway-error.js';
import { sessionHandle } from '../session/session-keys.js';
import { type CurrentSession, SessionService } from '../session/session.service.js';
import { StepUpRequired } from '../step-up/step-up-challenge.js';
import { buildConnectRedirect, readStartedConnect, type StartedConnect } from './connect-answers.js';
import { ConnectFailed } from './connect-errors.js';
import { buildConnectPath, type ConnectRequest, parseConnectQuery } from './connect-params.js';
import { ConnectTransactionStore } from './connect-transaction.store.js';
import { ConnectUpstream } from './connect-upstream.js';

/** Where the account provider sends the browser back (registered at the tenant like the login callback). */
export const CONNECT_CALLBACK_PATH = '/auth/connect/callback';

/** `<publicOrigin>/auth/connect/callback`: never derived from request headers. */
export const buildConnectCallbackUri = (publicOrigin: string) =>
  new URL(CONNECT_CALLBACK_PATH, publicOrigin).href;

const random = () => randomBytes(32).toString('base64url');
/** RFC 7636 §4.2 S256. */
const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');

/**
 * `GET /auth/connect`: the BFF itself asks `/connected-accounts/connect` (its redirect_uri, state, PKCE),
 * keeps `auth_session` and the verifier server-side (bound to this browser and session), and sends the
 * browser to `connect_uri?ticket=`. No session: to the login, then back here. MFA not fresh: to the
 * step-up login (a navigation cannot show a JSON challenge), then back here.
 */
@Injectable()
export class ConnectStartService {
  private readonly redirectUri: string;
  private readonly tenantOrigins: ReadonlySet<string>;

  constructor(
    private readonly sessions: SessionService,
    private readonly upstream: ConnectUpstream,
    private readonly transactions: ConnectTransactionStore,
    @Inject(OIDC_CONFIG) private readonly oidc: OidcConfig,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
    @Inject(MY_ACCOUNT_CONFIG) myAccount: MyAccountConfig,
    @Inject(SERVER_CONFIG) server: ServerConfig,
  ) {
    this.redirectUri = buildConnectCallbackUri(server.publicOrigin);
    this.tenantOrigins = new Set([new URL(oidc.issuer).origin, new URL(myAccount.baseUrl).origin]);
  }

  /** Returns the URL to redirect to; sets the browser-binding cookie when a link starts. */
  async start(req: Request, res: Response): Promise<string> {
    const request = parseConnectQuery(req.query);
    const here = buildConnectPath(request);
    const session = this.sessions.current(req);
    if (!session) return `/auth/login?${new URLSearchParams({ returnTo: here }).toString()}`;
    const state = random();
    const codeVerifier = random();
    let started: StartedConnect;
    try {
      started = await this.ask(session, request, state, codeVerifier, here);
    } catch (err) {
      if (err instanceof StepUpRequired) return String(err.extras.login_url);
      throw err;
    }
    const ttl = this.oidc.loginTransactionTtlSeconds;
    const binding = ensureBinding(req, res, this.sessionConfig.transactionCookieName, ttl);
    const transaction = {
      authSession: started.authSession,
      codeVerifier,
      connection: request.connection,
      returnTo: request.returnTo,
      binding: hashBinding(binding),
      session: sessionHandle(session.id),
      createdAt: Date.now(),
    };
    await this.transactions.save(state, transaction, Math.min(ttl, started.expiresIn));
    return buildConnectRedirect(started);
  }

  private async ask(
    session: CurrentSession,
    request: ConnectRequest,
    state: string,
    codeVerifier: string,
    here: string,
  ): Promise<StartedConnect> {
    const body = {
      connection: request.connection,
      redirect_uri: this.redirectUri,
      state,
      code_challenge: s256(codeVerifier),
      code_challenge_method: 'S256',
    };
    try {
      return readStartedConnect(await this.upstream.connect(session, body, here), this.tenantOrigins);
    } catch (err) {
      if (!(err instanceof InsufficientScope)) throw err;
      // Not a redirect: a tenant that does not grant the scope would send the browser round in circles.
      throw new ConnectFailed(
        `This sign-in does not allow linking accounts (it lacks ${err.scope}). Sign in again to grant it.`,
        'insufficient_scope',
        { status: 403, code: 'insufficient_scope' },
      );
    }
  }
}
