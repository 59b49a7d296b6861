import { type Request, Router, urlencoded } from 'express';
import { type BffPageCalls, type BffServerClient, mePath } from '../../web/server-client/index.js';
import type { AuthenticationMethod } from './account-page.js';
import { formPage, formPost, param } from './forms.js';

const MAX_NAME = 100;
const methodPath = (req: Request) => mePath('authentication-methods', param(req, 'id'));
const loadMethod = async (bff: BffPageCalls, req: Request) => ({
  method: await bff.myAccount.get<AuthenticationMethod>(methodPath(req)),
});

/** Rename and remove a sign-in method: the page with the form (GET) and the form's post (POST). */
export function methodForms(client: BffServerClient, basePath: string): Router {
  const router = Router();
  const form = urlencoded({ extended: false, limit: '4kb' });
  const pageOf = (action: string) => (req: Request) =>
    `${basePath}/methods/${encodeURIComponent(param(req, 'id'))}/${action}`;

  router.get('/methods/:id/rename', formPage(client, basePath, 'rename', loadMethod));
  router.post(
    '/methods/:id/rename',
    form,
    formPost(
      client,
      basePath,
      pageOf('rename'),
      (bff, req, csrfToken) => {
        const fields = (req.body ?? {}) as Record<string, unknown>;
        const name = (typeof fields.name === 'string' ? fields.name : '').trim().slice(0, MAX_NAME);
        return bff.myAccount.patch(methodPath(req), { name }, { csrfToken });
      },
      'renamed',
    ),
  );

  router.get('/methods/:id/remove', formPage(client, basePath, 'remove', loadMethod));
  router.post(
    '/methods/:id/remove',
    form,
    formPost(
      client,
      basePath,
      pageOf('remove'),
      (bff, req, csrfToken) => bff.myAccount.delete(methodPath(req), { csrfToken }),
      'removed',
    ),
  );
  return router;
}
