import type { IncomingHttpHeaders } from 'node:http';
import { Agent, type Dispatcher, request } from 'undici';
import type { ActiveSession, ActiveSessionList, SessionInfo } from '../../src/public-api.types.js';
import { BffProblem, NetworkError } from '../client/errors.js';
import { parseBody, toError, type HttpMethod } from '../client/http.js';
import { buildForwardHeaders, type ForwardPolicy } from './forward-headers.js';
import { redirectFor } from './redirects.js';
import { type PageResponse, relaySetCookie } from './set-cookie.js';

export interface BffServerClientOptions {
  /** Where this server reaches the BFF, e.g. `http://bff:3000` (inside a network; may differ from the public origin). */
  bffUrl: string;
  /** The BFF's public origin (`PUBLIC_ORIGIN`), e.g. `https://account.example.com`. */
  publicOrigin: string;
  /** The BFF's session cookie name (default `__Host-bff`). */
  cookieName?: string;
  /** Per call: time to the response headers, and between body chunks (default 10 s). */
  timeoutMs?: number;
  /** Keep-alive connections to the BFF (default 16). */
  connections?: number;
}

/** The browser's request to the page: a node:http `IncomingMessage` or an Express `Request`. */
export interface PageRequest {
  readonly headers: IncomingHttpHeaders;
  readonly method?: string;
  readonly url?: string;
  /** Express: the path as the browser asked for it, mount path included. */
  readonly originalUrl?: string;
}

export interface PageCallOptions {
  /**
   * Where a login started by this page's calls comes back to (a same-origin path). Default: the page's own
   * URL for a GET; `/` otherwise (a form post should come back to the page that offers the action again).
   */
  returnTo?: string;
}

/** A write on behalf of a no-JavaScript form: the session's CSRF token that the form carried. */
export interface WriteOptions {
  csrfToken: string;
}

export interface BffResult<T> {
  status: number;
  data: T;
}

const DEFAULTS = { cookieName: '__Host-bff', timeoutMs: 10_000, connections: 16 };

/**
 * A server-side client of the BFF for server-rendered pages on the BFF's origin (docs/server-side-callers.md).
 * It holds no token, session id or secret: each page call forwards that request's session cookie, and each
 * write relays the CSRF token the page's form presented. One keep-alive pool to the BFF for all pages.
 */
export function createBffServerClient(options: BffServerClientOptions) {
  const base = new URL(options.bffUrl);
  const policy: ForwardPolicy = {
    cookieName: options.cookieName ?? DEFAULTS.cookieName,
    publicOrigin: options.publicOrigin,
  };
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const agent = new Agent({
    connections: options.connections ?? DEFAULTS.connections,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  /** The calls of one page request; Set-Cookie lines of the BFF are relayed to `res`. */
  function forRequest(req: PageRequest, res: PageResponse, page: PageCallOptions = {}) {
    const returnTo =
      page.returnTo ?? ((req.method ?? 'GET').toUpperCase() === 'GET' ? (req.originalUrl ?? req.url) : '/');

    async function call<T>(method: HttpMethod, path: string, body?: unknown, write?: WriteOptions) {
      const headers = buildForwardHeaders(
        req.headers,
        { method, csrfToken: write?.csrfToken, hasBody: body !== undefined },
        policy,
      );
      let answer: Dispatcher.ResponseData;
      try {
        answer = await request(new URL(path, base), {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          dispatcher: agent,
        });
      } catch (err) {
        throw new NetworkError(err);
      }
      relaySetCookie(res, setCookieLines(answer.headers['set-cookie']));
      const text = await answer.body.text();
      const parsed = parseBody(single(answer.headers['content-type']), text);
      if (answer.statusCode >= 200 && answer.statusCode < 300)
        return { status: answer.statusCode, data: parsed.value as T } satisfies BffResult<T>;
      const error = toError(answer.statusCode, parsed);
      throw (error instanceof BffProblem && redirectFor(error, returnTo ?? '/')) || error;
    }

    const me = (path: string) => `/api/me/v1/${checkMePath(path)}`;
    const data = async <T>(p: Promise<BffResult<T>>) => (await p).data;

    return {
      /** `GET /api/session`: the user, deadlines, MFA freshness and the CSRF token for the page's forms. */
      session: () => data(call<SessionInfo>('GET', '/api/session')),
      sessions: {
        list: async (): Promise<ActiveSession[]> =>
          (await data(call<ActiveSessionList>('GET', '/api/sessions'))).sessions,
        revoke: (id: string, write: WriteOptions) =>
          data(call<void>('DELETE', `/api/sessions/${encodeURIComponent(id)}`, undefined, write)),
        revokeOthers: (write: WriteOptions) =>
          data(call<void>('POST', '/api/sessions/revoke-others', undefined, write)),
      },
      /** The My Account API through the BFF's proxy; `path` is relative to `/me/v1` (ids encoded once). */
      myAccount: {
        get: <T>(path: string) => data(call<T>('GET', me(path))),
        post: <T>(path: string, body: unknown, write: WriteOptions) =>
          data(call<T>('POST', me(path), body, write)),
        patch: <T>(path: string, body: unknown, write: WriteOptions) =>
          data(call<T>('PATCH', me(path), body, write)),
        delete: (path: string, write: WriteOptions) => data(call<void>('DELETE', me(path), undefined, write)),
      },
    };
  }

  return {
    forRequest,
    /** Closes the keep-alive pool (on shutdown). */
    close: () => agent.close(),
  };
}

export type BffServerClient = ReturnType<typeof createBffServerClient>;
export type BffPageCalls = ReturnType<BffServerClient['forRequest']>;

const single = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
const setCookieLines = (value: string | string[] | undefined) =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** A path under `/me/v1`: no scheme, no `//`, no dot segments (the page never picks another BFF route). */
function checkMePath(path: string): string {
  if (/^[a-z][a-z0-9+.-]*:|^\/\/|(^|\/)\.\.?(\/|$)|[#\\]/i.test(path))
    throw new TypeError(`Invalid My Account path: ${path}`);
  return path.replace(/^\/+/, '');
}
