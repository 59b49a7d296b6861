/** The part of a `ServerResponse` (node:http or Express) the relay needs. */
export interface PageResponse {
  readonly headersSent: boolean;
  getHeader(name: string): number | string | string[] | undefined;
  setHeader(name: string, value: string | string[]): unknown;
}

/**
 * Passes the BFF's `Set-Cookie` lines on to the browser (a session cookie cleared because the session
 * ended, or a new one), after those the page already set. Returns false when the page's headers are
 * already sent: the page must call the BFF before it starts writing.
 */
export function relaySetCookie(res: PageResponse, lines: readonly string[]): boolean {
  if (lines.length === 0) return true;
  if (res.headersSent) return false;
  const existing = res.getHeader('set-cookie');
  const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  res.setHeader('set-cookie', [...before, ...lines]);
  return true;
}
