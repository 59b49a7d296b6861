import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { isBoundTo } from '../auth/browser-binding.js';
import { hasCookie } from '../csrf/csrf.guard.js';
import type { ServerConfig, SessionConfig } from '../config/config.schema.js';
import { SERVER_CONFIG, SESSION_CONFIG } from '../config/config.tokens.js';
import { AuditLog } from '../logging/audit-log.js';
import { sessionHandle } from '../session/session-keys.js';
import { SessionService } from '../session/session.service.js';
import { readCompletedConnect } from './connect-answers.js';
import { ConnectFailed } from './connect-errors.js';
import { buildConnectedReturnTo, type CallbackQuery, parseCallbackQuery } from './connect-params.js';
import { buildConnectCallbackUri, CONNECT_CALLBACK_PATH } from './connect-start.service.js';
import { type ConnectTransaction, ConnectTransactionStore } from './connect-transaction.store.js';
import { ConnectUpstream } from './connect-upstream.js';

/**
 * `GET /auth/connect/callback`: the state is spent first (single use, whatever follows), then it must
 * have been started in this browser and by this session; the BFF completes with its `auth_session`,
 * `redirect_uri` and `code_verifier`, and sends the browser to `returnTo?connected=<connection>`.
 */
export type CallbackOutcome =
  | { readonly kind: 'redirect'; readonly url: string }
  | { readonly kind: 'same-site-hop'; readonly url: string };

/** This callback's fixed path with the query as received, plus `hop=1` (never a path from the request). */
function withHop(originalUrl: string): string {
  const q = originalUrl.indexOf('?');
  const query = new URLSearchParams(q >= 0 ? originalUrl.slice(q + 1) : '');
  query.set('hop', '1');
  return `${CONNECT_CALLBACK_PATH}?${query.toString()}`;
}

@Injectable()
export class ConnectCallbackService {
  private readonly redirectUri: string;

  constructor(
    private readonly sessions: SessionService,
    private readonly upstream: ConnectUpstream,
    private readonly transactions: ConnectTransactionStore,
    private readonly audit: AuditLog,
    @Inject(SERVER_CONFIG) server: ServerConfig,
    @Inject(SESSION_CONFIG) private readonly sessionConfig: SessionConfig,
  ) {
    this.redirectUri = buildConnectCallbackUri(server.publicOrigin);
  }

  /** Where to send the browser: the result, or this callback again as a same-site navigation. */
  async finish(req: Request): Promise<CallbackOutcome> {
    const query = parseCallbackQuery(req.query);
    if (this.needsSameSiteHop(req)) return { kind: 'same-site-hop', url: withHop(req.originalUrl) };
    return { kind: 'redirect', url: await this.complete(req, query) };
  }

  /**
   * SameSite=Strict: the provider's redirect is a cross-site navigation, so the session cookie is not sent.
   * One hop through a page that navigates by itself makes it same-site (as the login callback does); the
   * state is not spent before that. Only once (`hop=1`), only without the session cookie.
   */
  private needsSameSiteHop(req: Request): boolean {
    return (
      this.sessionConfig.sameSite === 'strict' &&
      req.query.hop === undefined &&
      !hasCookie(req.headers.cookie, this.sessionConfig.cookieName)
    );
  }

  private async complete(req: Request, query: CallbackQuery): Promise<string> {
    const transaction = query.state ? await this.transactions.consume(query.state) : undefined;
    if (query.kind === 'error') {
      const code = query.error ? ` (${query.error})` : '';
      throw new ConnectFailed(`The account was not linked${code}.`, `provider error${code}`);
    }
    const { session, tx } = this.check(req, transaction);
    const answer = await this.upstream.complete(
      session,
      {
        auth_session: tx.authSession,
        connect_code: query.connectCode,
        redirect_uri: this.redirectUri,
        code_verifier: tx.codeVerifier,
      },
      tx.returnTo,
    );
    const account = readCompletedConnect(answer);
    this.audit.record('enrollment', {
      type: 'connected_account',
      connection: account.connection,
      sub: session.data.user.sub,
      session: sessionHandle(session.id),
    });
    return buildConnectedReturnTo(tx.returnTo, tx.connection);
  }

  private check(req: Request, tx: ConnectTransaction | undefined) {
    if (!tx)
      throw new ConnectFailed('This link has expired or was already used. Start again.', 'unknown state');
    if (!isBoundTo(req, this.sessionConfig.transactionCookieName, tx.binding))
      throw new ConnectFailed('This link was started in another browser.', 'browser binding mismatch');
    const session = this.sessions.current(req);
    if (!session || sessionHandle(session.id) !== tx.session)
      throw new ConnectFailed(
        'This link belongs to another sign-in. Sign in and start again.',
        'session mismatch',
      );
    return { session, tx };
  }
}
