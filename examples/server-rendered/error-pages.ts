import type { NextFunction, Request, Response } from 'express';
import { BffProblem, BffRedirect, MyAccountApiError, NetworkError } from '../../web/server-client/index.js';
import { PAGE_HEADERS, renderPage } from './pages.js';

/** One line per failed page: status, code and path; never a header, a cookie or a form field. */
export type ExampleLog = (line: { status: number; code: string; path: string }) => void;

interface ErrorPage {
  status: number;
  code: string;
  message: string;
}

/** What the person reads for each failure: a sentence, never a stack or a raw upstream body. */
function describe(err: unknown): ErrorPage {
  if (err instanceof BffProblem) {
    if (err.code === 'csrf_failed')
      return {
        status: 403,
        code: err.code,
        message:
          'This form could not be accepted: it has expired or did not come from this site. Go back and try again.',
      };
    if (err.code === 'not_found') return { status: 404, code: err.code, message: 'There is nothing here.' };
    if (err.code === 'rate_limited')
      return { status: 429, code: err.code, message: 'Too many attempts. Wait a moment and try again.' };
    const status = err.status >= 500 ? 503 : err.status;
    return {
      status,
      code: err.code,
      message: 'The account service could not do this right now. Try again shortly.',
    };
  }
  if (err instanceof MyAccountApiError)
    return {
      status: err.status >= 500 ? 502 : err.status,
      code: 'my_account_error',
      message: `The account service refused this change: ${err.detail || err.title}`,
    };
  if (err instanceof NetworkError)
    return {
      status: 502,
      code: 'bff_unreachable',
      message: 'The account service cannot be reached right now.',
    };
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, code: 'bad_request', message: 'This request could not be read.' };
  return { status: 500, code: 'server_error', message: 'Something went wrong on our side.' };
}

/** The app's last middleware: a redirect stays a redirect (303); anything else is a small escaped page. */
export function errorPages(basePath: string, log: ExampleLog) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof BffRedirect) return res.redirect(303, err.location);
    const page = describe(err);
    log({ status: page.status, code: page.code, path: req.path });
    res
      .status(page.status)
      .set(PAGE_HEADERS)
      .send(renderPage('error', { basePath, ...page }));
  };
}
