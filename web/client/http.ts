import {
  BffProblem,
  isMyAccountErrorBody,
  isProblemBody,
  MyAccountApiError,
  NetworkError,
  UnexpectedResponseError,
} from './errors.js';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What a successful call answers: the parsed JSON (undefined when there is no body) and its `Location`. */
export interface BffResponse<T> {
  status: number;
  data: T;
  location: string | null;
}

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

/**
 * One call to the BFF. Always same-origin cookies and `X-CSRF: 1` (the custom header forces a CORS preflight
 * that the BFF grants no one); a body is always JSON. A write also carries the session's CSRF token when the
 * caller knows it (`X-CSRF-Token`: what a browser without Fetch Metadata needs, docs/server-side-callers.md).
 * Errors become typed exceptions.
 */
export async function sendJson<T>(
  fetchImpl: FetchLike,
  url: string,
  method: HttpMethod,
  body?: unknown,
  signal?: AbortSignal,
  csrfToken?: string,
): Promise<BffResponse<T>> {
  const headers: Record<string, string> = { 'X-CSRF': '1', Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrfToken && method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal };
  if (body !== undefined) init.body = JSON.stringify(body);
  let res: Response;
  try {
    res = await fetchImpl(url, init);
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new NetworkError(err);
  }
  const text = res.status === 204 || res.status === 205 ? '' : await res.text();
  const parsed = parseBody(res.headers.get('content-type'), text);
  if (!res.ok) throw toError(res.status, parsed);
  return { status: res.status, data: parsed.value as T, location: res.headers.get('location') };
}

/** A BFF answer's body: a problem, other JSON, nothing, or something else (an HTML page from a proxy). */
export interface ParsedBody {
  kind: 'problem' | 'json' | 'none' | 'other';
  value: unknown;
}

/** Reads a body by its content type (shared with the server-side client, `web/server-client/`). */
export function parseBody(contentType: string | null | undefined, text: string): ParsedBody {
  const type = (contentType ?? '').toLowerCase();
  if (text === '') return { kind: 'none', value: undefined };
  const isProblem = type.startsWith('application/problem+json');
  if (!isProblem && !/^application\/([\w.-]+\+)?json/.test(type)) return { kind: 'other', value: text };
  try {
    return { kind: isProblem ? 'problem' : 'json', value: JSON.parse(text) };
  } catch {
    return { kind: 'other', value: text };
  }
}

/** The typed error for an error answer: the BFF's problem, the My Account API's error, or neither. */
export function toError(status: number, parsed: ParsedBody): Error {
  if (parsed.kind === 'problem' && isProblemBody(parsed.value)) return new BffProblem(parsed.value);
  if (parsed.kind === 'json' && isMyAccountErrorBody(parsed.value))
    return new MyAccountApiError(parsed.value);
  return new UnexpectedResponseError(status);
}
