import { ConnectFailed } from './connect-errors.js';
import type { UpstreamAnswer } from './connect-upstream.js';

/** What `/connected-accounts/connect` answered (201, my-account-api.md §4.8). */
export interface StartedConnect {
  readonly connectUri: URL;
  readonly authSession: string;
  readonly ticket: string;
  readonly expiresIn: number;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const MAX_DETAIL = 200;

/** A 4xx of the API becomes the 400 page with its own `detail` (escaped by the page, shortened). */
function refused(answer: UpstreamAnswer, what: string): ConnectFailed {
  const detail = isRecord(answer.body) && typeof answer.body.detail === 'string' ? answer.body.detail : '';
  const said = detail ? `: ${detail.slice(0, MAX_DETAIL)}` : '.';
  return new ConnectFailed(
    `The account could not be linked (${what} answered ${answer.status})${said}`,
    `${what} ${answer.status}`,
  );
}

const unusable = (what: string, why: string) =>
  new ConnectFailed('The My Account API sent an answer the BFF cannot use.', `${what}: ${why}`, {
    status: 502,
    code: 'upstream_unavailable',
  });

/**
 * Reads the 201 of `/connect`. `connect_uri` must be an http(s) URL of the tenant (`allowedOrigins`): the
 * browser is sent there, so an answer naming another site is refused rather than followed.
 */
export function readStartedConnect(
  answer: UpstreamAnswer,
  allowedOrigins: ReadonlySet<string>,
): StartedConnect {
  if (answer.status !== 201 && answer.status !== 200) throw refused(answer, 'connect');
  const body = answer.body;
  if (!isRecord(body) || !isRecord(body.connect_params)) throw unusable('connect', 'malformed body');
  const { connect_uri, auth_session, expires_in } = body;
  const ticket = body.connect_params.ticket;
  if (typeof auth_session !== 'string' || !auth_session || typeof ticket !== 'string' || !ticket)
    throw unusable('connect', 'no auth_session or ticket');
  let connectUri: URL;
  try {
    connectUri = new URL(String(connect_uri));
  } catch {
    throw unusable('connect', 'connect_uri is not a URL');
  }
  if (!/^https?:$/.test(connectUri.protocol) || !allowedOrigins.has(connectUri.origin))
    throw unusable('connect', 'connect_uri is not on the tenant');
  const expiresIn = typeof expires_in === 'number' && expires_in >= 1 ? Math.floor(expires_in) : 300;
  return { connectUri, authSession: auth_session, ticket, expiresIn };
}

/** Reads the 201 of `/complete` (the connected account). */
export function readCompletedConnect(answer: UpstreamAnswer): { id: string; connection: string } {
  if (answer.status !== 201 && answer.status !== 200) throw refused(answer, 'complete');
  const body = answer.body;
  if (!isRecord(body) || typeof body.id !== 'string' || typeof body.connection !== 'string')
    throw unusable('complete', 'malformed body');
  return { id: body.id, connection: body.connection };
}

/** `connect_uri?ticket=<ticket>` (the SDKs append the ticket to the returned URI verbatim, §6.4 step 3). */
export function buildConnectRedirect(started: StartedConnect): string {
  const url = new URL(started.connectUri);
  url.searchParams.set('ticket', started.ticket);
  return url.href;
}
