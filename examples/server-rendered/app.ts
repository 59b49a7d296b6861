import express, { type NextFunction, type Request, type Response } from 'express';
import { fileURLToPath } from 'node:url';
import type { BffServerClient } from '../../web/server-client/index.js';
import { accountPage } from './account-page.js';
import { errorPages, type ExampleLog } from './error-pages.js';
import { methodForms } from './method-forms.js';
import { PAGE_HEADERS } from './pages.js';
import { sessionForms } from './session-forms.js';

export interface ExampleAppOptions {
  /** The BFF, called with each browser request's own cookie. */
  bff: BffServerClient;
  /** The path prefix the reverse proxy routes to this app, e.g. `/example` (no trailing slash). */
  basePath: string;
  log: ExampleLog;
}

const STYLES = fileURLToPath(new URL('./views/style.css', import.meta.url));

/**
 * The server-rendered example: an account summary and no-JavaScript forms, every value from the BFF's REST
 * API (docs/server-side-callers.md). It keeps no state of its own: no token, no session id, no secret.
 */
export function createExampleApp(options: ExampleAppOptions): express.Express {
  const { bff, basePath, log } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const pages = express.Router();
  pages.use((_req: Request, res: Response, next: NextFunction) => {
    res.set(PAGE_HEADERS);
    next();
  });
  pages.get('/style.css', (_req, res) => res.set('Cache-Control', 'max-age=300').sendFile(STYLES));
  pages.get('/', accountPage(bff, basePath));
  pages.use(methodForms(bff, basePath));
  pages.use(sessionForms(bff, basePath));
  // Liveness for the container's HEALTHCHECK (the Dockerfile probes /healthz on PORT).
  app.get('/healthz', (_req, res) => res.set('Cache-Control', 'no-store').send('ok'));
  app.use(basePath, pages);
  app.use(errorPages(basePath, log));
  return app;
}
