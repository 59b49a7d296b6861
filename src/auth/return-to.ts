/**
 * `returnTo` after login: only a same-origin relative path (RFC 9700 §4.11.1, BCP-6). Rejected: absolute
 * and scheme-relative URLs (`//evil`), backslashes (browsers read `/\evil` as `//evil`), control
 * characters (`/\t/evil` collapses), and anything that decodes once into one of those (`/%2F%2Fevil`).
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

/** The value when safe, else `/`. */
export function normalizeReturnTo(value: unknown): string {
  return typeof value === 'string' && isSafeReturnTo(value) ? value : '/';
}
