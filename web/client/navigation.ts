/** A path on this origin: starts with one `/`, not `//` or `/\` (which browsers read as another host). */
export function isSameOriginPath(value: string): boolean {
  return /^\/(?![/\\])/.test(value);
}

/** Where the browser is now, as a same-origin relative URL: path, query and hash. */
export function currentRelativeUrl(): string {
  const loc = globalThis.location;
  return loc ? `${loc.pathname}${loc.search}${loc.hash}` : '/';
}

export interface LoginOptions {
  /** Where to come back to (same-origin path). Defaults to the current page, hash included. */
  returnTo?: string;
  /** Step-up (RFC 9470): the authentication context and the maximum age of the last authentication. */
  acr_values?: string;
  max_age?: number;
  prompt?: string;
  login_hint?: string;
  screen_hint?: string;
  scope?: string;
}

/** `/auth/login?returnTo=...&...` (docs/architecture.md#the-http-surface). */
export function buildLoginPath(options: LoginOptions, fallbackReturnTo: string): string {
  const params = new URLSearchParams({ returnTo: options.returnTo ?? fallbackReturnTo });
  for (const key of ['acr_values', 'max_age', 'prompt', 'login_hint', 'screen_hint', 'scope'] as const) {
    const value = options[key];
    if (value !== undefined && value !== '') params.set(key, String(value));
  }
  return `/auth/login?${params.toString()}`;
}

/**
 * The BFF's `login_url` with `returnTo` replaced, so the user comes back to this exact page (and hash naming the
 * pending action). Refuses anything but a same-origin path: a problem body never sends the browser elsewhere.
 */
export function withReturnTo(loginUrl: string, returnTo: string): string | null {
  if (!isSameOriginPath(loginUrl)) return null;
  const url = new URL(loginUrl, 'http://same-origin.invalid');
  url.searchParams.set('returnTo', isSameOriginPath(returnTo) ? returnTo : '/');
  return `${url.pathname}${url.search}`;
}
