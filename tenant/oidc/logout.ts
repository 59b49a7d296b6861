import type { KoaContextWithOIDC, Provider } from 'oidc-provider';
import revoke from 'oidc-provider/lib/helpers/revoke.js';

/**
 * RP-initiated logout the Auth0 way (`/oidc/logout`): oidc-provider validates the request (client_id,
 * id_token_hint, post_logout_redirect_uri) and would then show a confirmation page; Auth0 ends the
 * session right away. This middleware runs after oidc-provider's GET/POST handler and, when the request
 * was valid, ends the session itself: the one named by `logout_hint` (the OIDC `sid`, which may belong to
 * another browser) or else the browser's, sends the back-channel logout tokens (OIDC Back-Channel Logout
 * 1.0 §2.4) to every client of that session, and redirects to `post_logout_redirect_uri` with `state`.
 */

export interface LogoutOptions {
  endSessionPath: string;
  findSessionIdBySid(sid: string): Promise<string | undefined>;
  /** oidc-provider's long-lived cookie options (to clear the session cookie like it does). */
  cookieOptions: Record<string, unknown>;
}

interface SessionLike {
  accountId?: string;
  authorizations?: Record<string, { sid?: string; grantId?: string; persistsLogout?: boolean }>;
  state?: { secret?: string };
  destroy(): Promise<void>;
}

async function sessionToEnd(
  provider: Provider,
  cookieSession: SessionLike,
  hint: string | undefined,
  clientId: string | undefined,
  options: LogoutOptions,
) {
  const sids = Object.values(cookieSession.authorizations ?? {}).map((a) => a.sid);
  if (!hint || sids.includes(hint)) return { session: cookieSession, isBrowserSession: true };
  const id = await options.findSessionIdBySid(hint);
  const session: SessionLike | undefined = id ? await provider.Session.find(id) : undefined;
  // Only a client of that session may end it by its sid.
  if (!session || !clientId || !session.authorizations?.[clientId])
    return { session: undefined, isBrowserSession: false };
  return { session, isBrowserSession: false };
}

async function endSession(ctx: KoaContextWithOIDC, provider: Provider, session: SessionLike): Promise<void> {
  const { accountId } = session;
  const authorizations = Object.entries(session.authorizations ?? {});
  await Promise.all(
    authorizations.map(async ([clientId, authorization]) => {
      const client = await provider.Client.find(clientId).catch(() => undefined);
      if (client?.backchannelLogoutUri && accountId) {
        await client.backchannelLogout(accountId, authorization.sid).then(
          () => provider.emit('backchannel.success', ctx, client, accountId, authorization.sid),
          (err: Error) => provider.emit('backchannel.error', ctx, err, client, accountId, authorization.sid),
        );
      }
      // Grants without offline_access die with the session (refresh tokens outlive it, as at Auth0).
      if (authorization.grantId && !authorization.persistsLogout) {
        await revoke(ctx, authorization.grantId);
      }
    }),
  );
  await session.destroy();
}

export function createLogoutMiddleware(provider: Provider, options: LogoutOptions) {
  return async function logoutWithoutConfirmation(
    ctx: KoaContextWithOIDC,
    next: () => Promise<void>,
  ): Promise<void> {
    await next();
    if (ctx.path !== options.endSessionPath || ctx.status !== 200) return;
    const cookieSession: SessionLike | undefined = ctx.oidc?.session;
    if (!cookieSession?.state?.secret) return; // oidc-provider rejected the request: keep its answer
    const { params, entities } = ctx.oidc;
    const clientId: string | undefined = entities.Client?.clientId;
    const { session, isBrowserSession } = await sessionToEnd(
      provider,
      cookieSession,
      params.logout_hint,
      clientId,
      options,
    );
    if (session?.accountId) await endSession(ctx, provider, session);
    if (isBrowserSession) {
      if (!session?.accountId) await cookieSession.destroy();
      ctx.cookies.set(provider.cookieName('session'), null, options.cookieOptions);
    }
    const target = new URL(params.post_logout_redirect_uri ?? ctx.oidc.urlFor('end_session_success'));
    if (params.post_logout_redirect_uri && params.state != null)
      target.searchParams.set('state', params.state);
    ctx.status = 303;
    ctx.redirect(target.href);
  };
}
