import { Router, urlencoded } from 'express';
import { BffProblem, type BffServerClient } from '../../web/server-client/index.js';
import { formPage, formPost, param } from './forms.js';

/** Sign out another of the user's sessions: the confirmation page (GET) and its form's post (POST). */
export function sessionForms(client: BffServerClient, basePath: string): Router {
  const router = Router();
  router.get(
    '/sessions/:id/sign-out',
    formPage(client, basePath, 'sign-out', async (bff, req) => {
      const other = (await bff.sessions.list()).find((s) => s.id === param(req, 'id') && !s.current);
      if (!other) throw notFound();
      return { other };
    }),
  );
  router.post(
    '/sessions/:id/sign-out',
    urlencoded({ extended: false, limit: '4kb' }),
    formPost(
      client,
      basePath,
      (req) => `${basePath}/sessions/${encodeURIComponent(param(req, 'id'))}/sign-out`,
      (bff, req, csrfToken) => bff.sessions.revoke(param(req, 'id'), { csrfToken }),
      'signed-out',
    ),
  );
  return router;
}

const notFound = () =>
  new BffProblem({
    type: 'about:blank',
    title: 'Not found',
    status: 404,
    detail: 'No such session.',
    code: 'not_found',
  });
