import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TenantContext, TenantHandler } from '../tenant-context.js';
import { ConnectFlows, type ConnectTransaction } from './connect-flows.js';

const FORM_LIMIT = 4096;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function sendHtml(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width,initial-scale=1"></head><body><main>${body}</main></body></html>`;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
  });
  res.end(html);
}

function consentPage(tx: ConnectTransaction, ticket: string, friendlyName: string): string {
  const scopes = tx.scopes.map((s) => `<li>${escapeHtml(s)}</li>`).join('');
  return `<h1>Connect ${escapeHtml(tx.connection)}</h1>
<p>${escapeHtml(friendlyName)} asks to link your <strong>${escapeHtml(tx.connection)}</strong> account${scopes ? ' with access to:' : '.'}</p>
${scopes ? `<ul>${scopes}</ul>` : ''}
<form method="post" action="/connect"><input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<button type="submit">Approve</button></form>`;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > FORM_LIMIT) return undefined;
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function redirectWithCode(res: ServerResponse, tx: ConnectTransaction, code: string): void {
  const target = new URL(tx.redirect_uri);
  target.searchParams.set('connect_code', code);
  if (tx.state !== undefined) target.searchParams.set('state', tx.state);
  res.writeHead(303, { location: target.toString(), 'cache-control': 'no-store' });
  res.end();
}

const expired = (res: ServerResponse) =>
  sendHtml(
    res,
    400,
    'Link expired',
    '<h1>This link has expired</h1><p>Start connecting the account again from the application.</p>',
  );

/**
 * The `connect_uri` of the connected-accounts flow. At Auth0 it sends the user to the external provider;
 * the local `example-oauth2` connection stands in for that provider with one consent page: approving
 * (a form post) redirects to the `redirect_uri` with `connect_code` and `state` in the query string.
 */
export function createConnectPage(
  ctx: TenantContext,
  flows = new ConnectFlows(ctx.redis, ctx.prefix),
): TenantHandler {
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://tenant.invalid');
    if (url.pathname !== '/connect') return sendHtml(res, 404, 'Not found', '<h1>Not found</h1>');
    if (req.method === 'GET') {
      const ticket = url.searchParams.get('ticket') ?? '';
      const tx = ticket ? await flows.byTicket(ticket) : undefined;
      return tx
        ? sendHtml(
            res,
            200,
            `Connect ${tx.connection}`,
            consentPage(tx, ticket, ctx.config.tenant.friendly_name),
          )
        : expired(res);
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST');
      return sendHtml(res, 405, 'Method not allowed', '<h1>Method not allowed</h1>');
    }
    const form = await readForm(req);
    const approved = form?.get('ticket') ? await flows.approve(form.get('ticket')!) : undefined;
    return approved ? redirectWithCode(res, approved.tx, approved.code) : expired(res);
  };
  return (req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('connect page failed:', (err as Error).message);
      if (!res.headersSent) sendHtml(res, 503, 'Unavailable', '<h1>Temporarily unavailable</h1>');
      else res.end();
    });
  };
}
