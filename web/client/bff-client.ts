import type {
  ActiveSession,
  ActiveSessionList,
  LogoutResponse,
  SessionInfo,
} from '../../src/public-api.types.js';
import { BffProblem } from './errors.js';
import { type BffResponse, type FetchLike, type HttpMethod, sendJson } from './http.js';
import { buildLoginPath, currentRelativeUrl, type LoginOptions, withReturnTo } from './navigation.js';

export interface BffClientOptions {
  /** Origin (or path prefix) of the BFF; '' (the default) means this page's origin. */
  baseUrl?: string;
  /** The network seam; defaults to the global `fetch`. */
  fetch?: FetchLike;
  /** How to send the browser somewhere; defaults to `location.assign`. */
  navigate?: (url: string) => void;
  /** The page to come back to after a login; defaults to the current path, query and hash. */
  currentUrl?: () => string;
}

export interface CallOptions {
  /**
   * On `insufficient_user_authentication` / `insufficient_scope`: `'throw'` (default) rejects with the
   * `BffProblem`; `'redirect'` follows its `login_url` (returning to `returnTo`) and the promise never settles.
   */
  stepUp?: 'throw' | 'redirect';
  /** Where the step-up login comes back to; defaults to the current page. */
  returnTo?: string;
  signal?: AbortSignal;
}

/** Builds `/api/me/v1/...` paths from segments, percent-encoding each (ids contain `|`: sent as `%7C`). */
export function mePath(...segments: string[]): string {
  return segments.map((s) => encodeURIComponent(s)).join('/');
}

export function createBffClient(options: BffClientOptions = {}) {
  const base = (options.baseUrl ?? '').replace(/\/+$/, '');
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const navigate = options.navigate ?? ((url: string) => globalThis.location.assign(url));
  const currentUrl = options.currentUrl ?? currentRelativeUrl;
  /** The session's CSRF token, once `session()` has read it: sent on writes for browsers without Fetch Metadata. */
  let csrfToken: string | undefined;

  async function request<T>(method: HttpMethod, path: string, body?: unknown, call: CallOptions = {}) {
    try {
      return await sendJson<T>(fetchImpl, base + path, method, body, call.signal, csrfToken);
    } catch (err) {
      if (call.stepUp === 'redirect' && err instanceof BffProblem && err.needsLogin && err.login_url) {
        const target = withReturnTo(err.login_url, call.returnTo ?? currentUrl());
        if (target) {
          navigate(base + target);
          return new Promise<BffResponse<T>>(() => undefined);
        }
      }
      throw err;
    }
  }

  const meUrl = (path: string) => {
    if (/^[a-z][a-z0-9+.-]*:|^\/\/|(^|\/)\.\.?(\/|$)/i.test(path))
      throw new TypeError(`Invalid My Account path: ${path}`);
    return `/api/me/v1/${path.replace(/^\/+/, '')}`;
  };
  const data = <T>(p: Promise<BffResponse<T>>) => p.then((r) => r.data);

  return {
    /** Low-level: any same-origin BFF JSON endpoint, with the full response. */
    request,

    /** The signed-in user, or null when there is no session (401 `login_required`). */
    async session(call?: CallOptions): Promise<SessionInfo | null> {
      try {
        const info = (await request<SessionInfo>('GET', '/api/session', undefined, call)).data;
        csrfToken = info.csrf_token;
        return info;
      } catch (err) {
        if (err instanceof BffProblem && err.code === 'login_required') {
          csrfToken = undefined;
          return null;
        }
        throw err;
      }
    },

    /** The My Account API through the BFF's proxy; `path` is relative to `/me/v1` (build ids with `mePath`). */
    myAccount: {
      send: <T>(method: HttpMethod, path: string, body?: unknown, call?: CallOptions) =>
        request<T>(method, meUrl(path), body, call),
      get: <T>(path: string, call?: CallOptions) => data(request<T>('GET', meUrl(path), undefined, call)),
      post: <T>(path: string, body?: unknown, call?: CallOptions) =>
        data(request<T>('POST', meUrl(path), body ?? {}, call)),
      patch: <T>(path: string, body: unknown, call?: CallOptions) =>
        data(request<T>('PATCH', meUrl(path), body, call)),
      delete: (path: string, call?: CallOptions) =>
        data(request<void>('DELETE', meUrl(path), undefined, call)),
    },

    /** The user's own active sessions (`GET /api/sessions`), revoking one, and signing out all the others. */
    sessions: {
      list: async (call?: CallOptions): Promise<ActiveSession[]> =>
        (await request<ActiveSessionList>('GET', '/api/sessions', undefined, call)).data.sessions,
      revoke: (id: string, call?: CallOptions) =>
        data(request<void>('DELETE', `/api/sessions/${encodeURIComponent(id)}`, undefined, call)),
      revokeOthers: (call?: CallOptions) =>
        data(request<void>('POST', '/api/sessions/revoke-others', undefined, call)),
    },

    /** Ends the session at the BFF, then sends the browser to the tenant's end-session endpoint. */
    async logout(): Promise<void> {
      const { data: body } = await request<LogoutResponse | undefined>('POST', '/auth/logout');
      navigate(body?.logout_url ?? `${base}/`);
    },

    /** Navigates to `/auth/login`, coming back to `returnTo` (default: this page). */
    login(login: LoginOptions = {}): void {
      navigate(base + buildLoginPath(login, currentUrl()));
    },
  };
}

export type BffClient = ReturnType<typeof createBffClient>;
