import type { IncomingMessage, ServerResponse } from 'node:http';
import { hashSecret } from '../accounts/secret-hash.js';
import { readForm } from '../interactions/form-body.js';
import { contentSecurityPolicy, escapeHtml, message, renderPage } from '../interactions/html.js';
import { passwordPolicyProblems, replacePassword } from '../my-account/enrollment/password-policy.js';
import { clearLoginFailures } from '../oidc/password-check.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import type { ResetTickets } from './reset-tickets.js';

/**
 * The page behind the link `/dbconnections/change_password` sends (`GET /lo/reset?ticket=...`): a form
 * for the new password, posted back to `/lo/reset`. The password must pass the tenant's policy,
 * history included; the ticket is spent when it is set, and a brute-force block on the user is lifted
 * (as at Auth0). An unknown, spent or expired ticket is a 400 page.
 */
export const RESET_PATH = '/lo/reset';

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': contentSecurityPolicy(html),
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

function form(ticket: string, email: string, error?: string): string {
  return renderPage({
    title: 'Change your password',
    body: `<h1>Change your password</h1><p>Enter a new password for ${escapeHtml(email)}.</p>${message('error', error)}
<form method="post" action="${RESET_PATH}"><input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<label for="password">New password</label><input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="confirm">Confirm new password</label><input id="confirm" name="confirm" type="password" autocomplete="new-password" required>
<button type="submit">Reset password</button></form>`,
  });
}

const done = () =>
  renderPage({
    title: 'Password changed',
    body: '<h1>Password changed</h1><p>You can now log in with your new password.</p>',
  });

const invalidLink = () =>
  renderPage({
    title: 'Link not valid',
    body: '<h1>This link is not valid</h1><p>It has expired or was already used. Ask for a new one.</p>',
  });

export function createResetPage(tenant: TenantContext, tickets: ResetTickets): TenantHandler {
  async function accountFor(ticket: string) {
    const userId = await tickets.find(ticket);
    return userId ? tenant.accounts.findById(userId) : undefined;
  }

  async function show(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ticket = new URL(req.url ?? '/', 'http://tenant.invalid').searchParams.get('ticket') ?? '';
    const account = await accountFor(ticket);
    if (!account) return send(res, 400, invalidLink());
    send(res, 200, form(ticket, account.email));
  }

  async function submit(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fields = await readForm(req);
    const ticket = fields?.ticket ?? '';
    const account = await accountFor(ticket);
    if (!fields || !account) return send(res, 400, invalidLink());
    const password = fields.password ?? '';
    if (password !== fields.confirm)
      return send(res, 400, form(ticket, account.email, 'The passwords do not match.'));
    const problems = await passwordPolicyProblems(password, account);
    if (problems.length > 0)
      return send(res, 400, form(ticket, account.email, `The password ${problems.join('; ')}.`));
    const hash = await hashSecret(password);
    if (!(await tickets.spend(ticket))) return send(res, 400, invalidLink());
    await tenant.accounts.update(account.user_id, (current) => replacePassword(current, hash));
    await clearLoginFailures(tenant, account.email);
    send(res, 200, done());
  }

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const run =
      path !== RESET_PATH
        ? async () => send(res, 404, invalidLink())
        : req.method === 'POST'
          ? () => submit(req, res)
          : () => show(req, res);
    run().catch((err: unknown) => {
      console.error('tenant: password reset page failed', err);
      if (!res.headersSent) send(res, 503, invalidLink());
      else res.end();
    });
  };
}
