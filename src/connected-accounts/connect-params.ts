import { normalizeReturnTo } from '../http/return-to.js';
import { ConnectFailed } from './connect-errors.js';

/** A connection name as the My Account API takes it (1–128 characters, §4.8), restricted to a safe alphabet. */
const CONNECTION = /^[a-zA-Z0-9-]{1,128}$/;
/** `state` values the BFF issues: 32 random bytes, base64url. Anything else is never looked up. */
export const CONNECT_STATE = /^[A-Za-z0-9_-]{43}$/;
/** `connect_code` per the OAS (1–46 characters); the alphabet keeps it a plain token. */
const CONNECT_CODE = /^[A-Za-z0-9._~-]{1,46}$/;
/** OAuth error codes (RFC 6749 §4.1.2.1: %x20-21 / %x23-5B / %x5D-7E), shown only when this plain. */
const OAUTH_ERROR = /^[a-z_]{1,64}$/;

export interface ConnectRequest {
  readonly connection: string;
  /** A same-origin relative path (else `/`). */
  readonly returnTo: string;
}

/** `GET /auth/connect?connection=&returnTo=`: the connection must be a plain name; returnTo becomes safe. */
export function parseConnectQuery(query: Readonly<Record<string, unknown>>): ConnectRequest {
  const { connection } = query;
  if (typeof connection !== 'string' || !CONNECTION.test(connection))
    throw new ConnectFailed(
      'The connection to link is missing or not a valid name (letters, digits and "-", at most 128).',
      'invalid connection',
    );
  return { connection, returnTo: normalizeReturnTo(query.returnTo) };
}

/** This navigation's own URL (to come back to after a login or a step-up). */
export function buildConnectPath(request: ConnectRequest): string {
  const query = new URLSearchParams({ connection: request.connection, returnTo: request.returnTo });
  return `/auth/connect?${query.toString()}`;
}

/** `returnTo` with `connected=<connection>` added to its query (the page says what was linked). */
export function buildConnectedReturnTo(returnTo: string, connection: string): string {
  const url = new URL(returnTo, 'http://return-to.invalid');
  url.searchParams.set('connected', connection);
  return `${url.pathname}${url.search}${url.hash}`;
}

export type CallbackQuery =
  | { readonly kind: 'error'; readonly state?: string; readonly error?: string }
  | { readonly kind: 'code'; readonly state: string; readonly connectCode: string };

/**
 * `GET /auth/connect/callback`: `connect_code` and `state`, or `error` (RFC 6749 §4.1.2.1). Values that are
 * not what the BFF or the API issue are dropped here, so nothing odd is looked up or shown.
 */
export function parseCallbackQuery(query: Readonly<Record<string, unknown>>): CallbackQuery {
  const text = (value: unknown, pattern: RegExp) =>
    typeof value === 'string' && pattern.test(value) ? value : undefined;
  const state = text(query.state, CONNECT_STATE);
  if (query.error !== undefined) return { kind: 'error', state, error: text(query.error, OAUTH_ERROR) };
  const connectCode = text(query.connect_code, CONNECT_CODE);
  if (!state || !connectCode)
    throw new ConnectFailed(
      'The response of the account provider is incomplete.',
      'missing connect_code or state',
    );
  return { kind: 'code', state, connectCode };
}
