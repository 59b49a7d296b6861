import type { IncomingMessage, ServerResponse } from 'node:http';
import { EnrollmentSessions } from '../my-account/enrollment/enrollment-sessions.js';
import type { TenantContext, TenantHandler } from '../tenant-context.js';

const BODY_LIMIT = 4096;

function sendJson(res: ServerResponse, status: number, body?: unknown): void {
  res.writeHead(status, {
    'cache-control': 'no-store',
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
  });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readFields(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    const parsed = JSON.parse(text) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Development endpoints (mounted only when `tenant.dev_endpoints` is on; never in production):
 * `GET /__dev/outbox[?to=]` lists the email/SMS/voice messages the tenant "sent", newest first;
 * `POST /__dev/push/approve {auth_session}` plays the authenticator app approving a push enrollment.
 */
export function createDevRouter(ctx: TenantContext): TenantHandler {
  const enrollments = new EnrollmentSessions(ctx.redis, ctx.prefix);

  async function approvePush(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const fields = await readFields(req);
    const authSession = typeof fields?.auth_session === 'string' ? fields.auth_session : '';
    if (!authSession)
      return sendJson(res, 400, { error: 'invalid_request', error_description: 'auth_session is required' });
    const session = await enrollments.find(authSession);
    if (!session || session.type !== 'push-notification') {
      return sendJson(res, 404, {
        error: 'not_found',
        error_description: 'No pending push enrollment with that auth_session',
      });
    }
    session.approved = true;
    await enrollments.save(authSession, session);
    sendJson(res, 204);
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://tenant.invalid');
    if (url.pathname === '/__dev/outbox' && req.method === 'GET') {
      const to = url.searchParams.get('to') ?? undefined;
      return sendJson(res, 200, await ctx.outbox.list({ to }));
    }
    if (url.pathname === '/__dev/push/approve' && req.method === 'POST') return approvePush(req, res);
    sendJson(res, 404, { error: 'not_found', error_description: 'No such development endpoint' });
  }

  return (req, res) => {
    serve(req, res).catch((err: unknown) => {
      console.error('dev endpoint failed:', (err as Error).message);
      if (!res.headersSent) sendJson(res, 503, { error: 'temporarily_unavailable' });
      else res.end();
    });
  };
}
