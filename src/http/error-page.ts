/** A small HTML page for failed browser navigations (/auth/*): everything escaped, a link to start again. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function renderErrorPage(
  title: string,
  message: string,
  retry = { href: '/auth/login', label: 'Sign in again' },
): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(title)}</title></head><body>`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(message)}</p>`,
    `<p><a href="${escapeHtml(retry.href)}">${escapeHtml(retry.label)}</a> · <a href="/">Home</a></p>`,
    '</body></html>',
  ].join('\n');
}

/** Headers of the BFF's own small pages: no script, no framing, no referrer (the URL may hold a code). */
export const PAGE_HEADERS = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};
