import type { NextFunction, Request, Response } from 'express';
import { BffRedirect, type BffPageCalls, type BffServerClient } from '../../web/server-client/index.js';
import { renderPage } from './pages.js';

type Handler = (req: Request, res: Response, next: NextFunction) => Promise<void>;

/** The value of a route parameter (Express 5 decodes it once: `totp%7Cdev_1` → `totp|dev_1`). */
export const param = (req: Request, name: string): string => String(req.params[name] ?? '');

/**
 * `GET` of a page offering one action as a no-JavaScript form: `load` reads what the page shows, and the
 * session's CSRF token goes into the form's hidden `csrf` field. A step-up comes back here, with a new token.
 */
export function formPage(
  client: BffServerClient,
  basePath: string,
  view: string,
  load: (bff: BffPageCalls, req: Request) => Promise<Record<string, unknown>>,
): Handler {
  return async (req, res, next) => {
    const bff = client.forRequest(req, res);
    try {
      const [session, shown] = await Promise.all([bff.session(), load(bff, req)]);
      res.send(renderPage(view, { basePath, csrf: session.csrf_token, ...shown }));
    } catch (err) {
      if (err instanceof BffRedirect) return res.redirect(303, err.location);
      next(err);
    }
  };
}

/**
 * `POST` of such a form: the form's `csrf` field is relayed to the BFF in `X-CSRF-Token` (the page's own CSRF
 * defence: a forged post does not know it, and the BFF compares it with the session's); then back to the
 * account page (303, Post/Redirect/Get). A step-up sends the browser to the login and back to `returnTo`,
 * the page that offers the action again.
 */
export function formPost(
  client: BffServerClient,
  basePath: string,
  returnTo: (req: Request) => string,
  act: (bff: BffPageCalls, req: Request, csrfToken: string) => Promise<unknown>,
  done: string,
): Handler {
  return async (req, res, next) => {
    const bff = client.forRequest(req, res, { returnTo: returnTo(req) });
    const fields = (req.body ?? {}) as Record<string, unknown>;
    const csrfToken = typeof fields.csrf === 'string' ? fields.csrf : '';
    try {
      await act(bff, req, csrfToken);
      res.redirect(303, `${basePath}/?done=${done}`);
    } catch (err) {
      if (err instanceof BffRedirect) return res.redirect(303, err.location);
      next(err);
    }
  };
}
