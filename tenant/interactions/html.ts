import { createHash } from 'node:crypto';

/** Server-rendered pages of the tenant: no framework, everything escaped, a little inline CSS. */

export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font-family:system-ui,sans-serif;background:#f3f4f6;margin:0;display:flex;justify-content:center}
main{background:#fff;margin:48px 16px;padding:32px;border-radius:8px;max-width:380px;width:100%;box-shadow:0 1px 4px #0002}
h1{font-size:1.3rem;margin:0 0 8px}p{color:#374151;line-height:1.4}
label{display:block;margin:14px 0 4px;font-weight:600}
input{width:100%;box-sizing:border-box;padding:9px;border:1px solid #9ca3af;border-radius:4px;font-size:1rem}
button{margin-top:16px;width:100%;padding:10px;border:0;border-radius:4px;background:#4f46e5;color:#fff;font-size:1rem;cursor:pointer}
button.secondary{background:#e5e7eb;color:#111827}
.error{background:#fee2e2;color:#991b1b;padding:8px 10px;border-radius:4px}
.notice{background:#e0f2fe;color:#075985;padding:8px 10px;border-radius:4px}
code{word-break:break-all;background:#f3f4f6;padding:2px 4px}
small{color:#6b7280}`;

export interface PageOptions {
  title: string;
  /** Already-escaped HTML. */
  body: string;
  /** An inline script's text (the caller makes sure nothing user-controlled is unescaped inside). */
  script?: string;
}

export function renderPage({ title, body, script }: PageOptions): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

export function message(kind: 'error' | 'notice', text: string | undefined): string {
  return text
    ? `<p class="${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${escapeHtml(text)}</p>`
    : '';
}

/** A page for errors the browser lands on (bad authorize request, expired login): nothing unescaped. */
export function renderErrorPage(error: string, description?: string): string {
  return renderPage({
    title: 'Something went wrong',
    body: `<h1>Something went wrong</h1><p><strong>${escapeHtml(error)}</strong></p>${description ? `<p>${escapeHtml(description)}</p>` : ''}
<p><small>Go back to the application and start again.</small></p>`,
  });
}

/**
 * The page's Content-Security-Policy: nothing loads from anywhere, inline styles, and only the page's own
 * inline scripts (by hash). `form-action` stays open: the login's redirects go to the client's origin.
 */
export function contentSecurityPolicy(html: string): string {
  const hashes = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
    ([, body]) => `'sha256-${createHash('sha256').update(body).digest('base64')}'`,
  );
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src ${hashes.length ? hashes.join(' ') : "'none'"}`,
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}
