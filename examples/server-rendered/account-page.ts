import type { NextFunction, Request, Response } from 'express';
import { BffRedirect, type BffServerClient } from '../../web/server-client/index.js';
import { noticeFor, renderPage } from './pages.js';

/** One entry of `GET /me/v1/authentication-methods` (the fields this page shows). */
export interface AuthenticationMethod {
  id: string;
  type: string;
  name?: string;
  email?: string;
  phone_number?: string;
  confirmed?: boolean;
  created_at?: string;
}

export interface MethodList {
  authentication_methods: AuthenticationMethod[];
}

/** `GET <base>/`: the account summary, rendered from the BFF's REST API with this browser's cookie. */
export function accountPage(client: BffServerClient, basePath: string) {
  // #region readme
  return async (req: Request, res: Response, next: NextFunction) => {
    const bff = client.forRequest(req, res); // this browser's cookie and X-CSRF: 1; Set-Cookie relayed
    try {
      const [session, methods, sessions] = await Promise.all([
        bff.session(), // the user, MFA freshness, and the CSRF token every form carries
        bff.myAccount.get<MethodList>('authentication-methods'),
        bff.sessions.list(),
      ]);
      const notice = noticeFor(req.query.done);
      res.send(renderPage('account', { basePath, notice, session, sessions, ...methods }));
    } catch (err) {
      if (err instanceof BffRedirect) return res.redirect(303, err.location); // sign in, or step up
      next(err);
    }
  };
  // #endregion readme
}
