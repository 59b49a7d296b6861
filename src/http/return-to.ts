/**
 * The one `returnTo` rule, for every place that sends the browser back somewhere (login, step-up
 * `login_url`, connected accounts): only a same-origin relative path (RFC 9700 §4.11.1, BCP-6). Rejected:
 * absolute and scheme-relative URLs (`//evil`), backslashes (browsers read `/\evil` as `//evil`), control
 * characters (`/\t/evil` collapses), and anything that decodes once into one of those (`/%2F%2Fevil`).
 * An accepted path comes back as the URL parser serialises it (WHATWG URL): spaces and non-ASCII
 * percent-encoded (`/a b` → `/a%20b`, `/café` → `/caf%C3%A9`), dot segments resolved (`/%2e%2e/x` → `/x`),
 * so a Location header always carries the page the browser would open anyway.
 */

const BASE = 'http://return-to.invalid';
// Control characters (browsers strip tabs and newlines from URLs) and backslashes.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;
const MAX_LENGTH = 2048;

export function isSafeReturnTo(value: string): boolean {
  if (value.length === 0 || value.length > MAX_LENGTH || !value.startsWith('/')) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(value);
  } catch {
    return false;
  }
  for (const candidate of [value, decoded]) {
    if (candidate.startsWith('//') || candidate.startsWith('/\\') || FORBIDDEN.test(candidate)) return false;
  }
  try {
    return new URL(value, BASE).origin === BASE;
  } catch {
    return false;
  }
}

/** The value's path, query and fragment when safe, else `/`. */
export function normalizeReturnTo(value: unknown): string {
  if (typeof value !== 'string' || !isSafeReturnTo(value)) return '/';
  const url = new URL(value, BASE);
  return `${url.pathname}${url.search}${url.hash}`;
}
