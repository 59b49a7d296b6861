/**
 * The one reader of the `Cookie` request header. RFC 6265 §4.2.1: `cookie-pair *( ";" SP cookie-pair )`
 * with optional whitespace (OWS: SP / HTAB, RFC 7230 §3.2.3) around the header; §5.2 strips only that
 * whitespace around a name and a value. Names compare exactly (case-sensitive, byte for byte): JS `trim()`
 * would also strip NBSP, line separators and the BOM, so a look-alike such as `\u00a0__Host-bff-tx` (which
 * the browser's `__Host-` prefix rules never protected, RFC 6265bis §4.1.3.2) would pass for the real one.
 */

const OWS_EDGES = /^[ \t]+|[ \t]+$/g;

/** SP / HTAB stripped from both ends, nothing else. */
function stripOws(text: string): string {
  return text.replace(OWS_EDGES, '');
}

/** The value of the first cookie named exactly `name` (RFC 6265 §5.4 keeps the first of duplicates). */
export function readCookieHeader(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && stripOws(pair.slice(0, eq)) === name) return stripOws(pair.slice(eq + 1));
  }
  return undefined;
}

/**
 * The value of the cookie named exactly `name` when the header holds it exactly once; undefined when it
 * is absent or repeated (readers that keep the first and readers that keep the last would disagree).
 */
export function readSingleCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  let found: string | undefined;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || stripOws(pair.slice(0, eq)) !== name) continue;
    if (found !== undefined) return undefined;
    found = stripOws(pair.slice(eq + 1));
  }
  return found;
}

/** Every cookie whose name starts with `prefix`, name → value (the first of duplicates wins). */
export function readCookiesByPrefix(header: string | undefined, prefix: string): Map<string, string> {
  const found = new Map<string, string>();
  if (!header) return found;
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = stripOws(pair.slice(0, eq));
    if (name.startsWith(prefix) && !found.has(name)) found.set(name, stripOws(pair.slice(eq + 1)));
  }
  return found;
}
