/**
 * A small cookie-keeping HTTP client for tests, on the global fetch with `redirect: 'manual'`: it keeps
 * cookies per host:port (as a browser would per origin for these tests; Path and expiry honoured), can
 * follow redirects, and can submit a page's `<form>` by parsing it and filling fields.
 */

export interface ClientResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The URL this response answered. */
  readonly url: string;
  readonly body: string;
  /** The absolute redirect target, for 3xx answers. */
  readonly location?: string;
  json<T = unknown>(): T;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** A raw body (sent as is). */
  body?: string;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string>;
  /** Sent as application/json. */
  json?: unknown;
  /** Follow up to this many redirects (GET afterwards, as a browser after 302/303). Default 0. */
  followRedirects?: number;
}

export interface SubmitOptions {
  /** Which `<form>` of the page (default the first). */
  formIndex?: number;
  /** The submit button to press (its name/value are sent); default: the first named submit button. */
  submitter?: { name: string; value: string };
  followRedirects?: number;
}

export interface ParsedForm {
  action: string;
  method: string;
  /** Input fields with their current values (buttons excluded). */
  fields: Record<string, string>;
  /** Named submit buttons, in page order. */
  buttons: Array<{ name: string; value: string }>;
}

interface StoredCookie {
  value: string;
  path: string;
  expiresAt?: number;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return m ? decodeEntities(m[1] ?? m[2] ?? m[3] ?? '') : undefined;
}

/** Parses the `index`-th `<form>` of an HTML page (inputs, textareas, submit buttons). */
export function parseForm(html: string, pageUrl: string, index = 0): ParsedForm {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const form = forms[index];
  if (!form) throw new Error(`No <form> #${index} on ${pageUrl} (found ${forms.length})`);
  const [, formAttrs, inner] = form;
  const fields: Record<string, string> = {};
  const buttons: Array<{ name: string; value: string }> = [];
  for (const [tag] of inner.matchAll(/<input\b[^>]*>/gi)) {
    const name = attr(tag, 'name');
    const type = (attr(tag, 'type') ?? 'text').toLowerCase();
    if (!name) continue;
    if (type === 'submit') buttons.push({ name, value: attr(tag, 'value') ?? '' });
    else if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/i.test(tag)) continue;
    else fields[name] = attr(tag, 'value') ?? '';
  }
  for (const [, tagAttrs, text] of inner.matchAll(/<textarea\b([^>]*)>([\s\S]*?)<\/textarea>/gi)) {
    const name = attr(` ${tagAttrs}`, 'name');
    if (name) fields[name] = decodeEntities(text);
  }
  for (const [, tagAttrs] of inner.matchAll(/<button\b([^>]*)>/gi)) {
    const type = (attr(` ${tagAttrs}`, 'type') ?? 'submit').toLowerCase();
    const name = attr(` ${tagAttrs}`, 'name');
    if (type === 'submit' && name) buttons.push({ name, value: attr(` ${tagAttrs}`, 'value') ?? '' });
  }
  const action = new URL(attr(` ${formAttrs}`, 'action') || pageUrl, pageUrl).href;
  return { action, method: (attr(` ${formAttrs}`, 'method') ?? 'get').toUpperCase(), fields, buttons };
}

export class CookieClient {
  private readonly jar = new Map<string, Map<string, StoredCookie>>();

  constructor(
    private readonly defaultHeaders: Record<string, string> = {},
    /** Another fetch (e.g. one trusting a test certificate authority). */
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Cookie names and values that would be sent to `url`. */
  cookies(url: string | URL): Record<string, string> {
    const target = new URL(url);
    const out: Record<string, string> = {};
    for (const [name, cookie] of this.jar.get(target.host) ?? []) {
      if (cookie.expiresAt !== undefined && cookie.expiresAt <= Date.now()) continue;
      if (target.pathname.startsWith(cookie.path) || target.pathname === cookie.path.replace(/\/$/, ''))
        out[name] = cookie.value;
    }
    return out;
  }

  setCookie(url: string | URL, name: string, value: string, path = '/'): void {
    const host = new URL(url).host;
    if (!this.jar.has(host)) this.jar.set(host, new Map());
    this.jar.get(host)?.set(name, { value, path });
  }

  clearCookies(): void {
    this.jar.clear();
  }

  private store(url: URL, setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      let path = url.pathname.replace(/\/[^/]*$/, '') || '/';
      let expiresAt: number | undefined;
      for (const a of attrs) {
        const [k, v = ''] = a.split('=');
        const key = k.toLowerCase();
        if (key === 'path') path = v || '/';
        if (key === 'max-age') expiresAt = Date.now() + Number(v) * 1000;
        if (key === 'expires' && expiresAt === undefined) expiresAt = Date.parse(v);
      }
      if (!this.jar.has(url.host)) this.jar.set(url.host, new Map());
      const cookies = this.jar.get(url.host) as Map<string, StoredCookie>;
      if (expiresAt !== undefined && expiresAt <= Date.now()) cookies.delete(name);
      else cookies.set(name, { value, path, expiresAt });
    }
  }

  async request(url: string | URL, options: RequestOptions = {}): Promise<ClientResponse> {
    const target = new URL(url);
    const headers: Record<string, string> = { ...this.defaultHeaders, ...options.headers };
    const cookie = Object.entries(this.cookies(target))
      .map(([k, v]) => `${k}=${v}`)
      .join('; ');
    if (cookie) headers.cookie = cookie;
    let body = options.body;
    if (options.form) {
      body = new URLSearchParams(options.form).toString();
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] ??= 'application/json';
    }
    const method = options.method ?? (body === undefined ? 'GET' : 'POST');
    const res = await this.fetchImpl(target, { method, headers, body, redirect: 'manual' });
    this.store(target, res.headers.getSetCookie());
    const text = await res.text();
    const locationHeader = res.headers.get('location');
    const response: ClientResponse = {
      status: res.status,
      headers: res.headers,
      url: target.href,
      body: text,
      location: locationHeader ? new URL(locationHeader, target).href : undefined,
      json: <T>() => JSON.parse(text) as T,
    };
    const remaining = options.followRedirects ?? 0;
    if (remaining > 0 && response.location && res.status >= 300 && res.status < 400) {
      const keepMethod = res.status === 307 || res.status === 308;
      return this.request(
        response.location,
        keepMethod
          ? { ...options, followRedirects: remaining - 1 }
          : { headers: options.headers, followRedirects: remaining - 1 },
      );
    }
    return response;
  }

  get(url: string | URL, options: Omit<RequestOptions, 'method'> = {}): Promise<ClientResponse> {
    return this.request(url, { ...options, method: 'GET' });
  }

  post(url: string | URL, options: Omit<RequestOptions, 'method'> = {}): Promise<ClientResponse> {
    return this.request(url, { ...options, method: 'POST' });
  }

  /** Fills the page's form (fields override its values) and submits it as a browser would. */
  submitForm(
    page: ClientResponse,
    fields: Record<string, string> = {},
    options: SubmitOptions = {},
  ): Promise<ClientResponse> {
    const form = parseForm(page.body, page.url, options.formIndex);
    const submitter = options.submitter ?? form.buttons[0];
    const values = { ...form.fields, ...(submitter ? { [submitter.name]: submitter.value } : {}), ...fields };
    if (form.method === 'GET') {
      const target = new URL(form.action);
      for (const [k, v] of Object.entries(values)) target.searchParams.set(k, v);
      return this.get(target, { followRedirects: options.followRedirects });
    }
    return this.post(form.action, { form: values, followRedirects: options.followRedirects });
  }
}
