import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';

/** One file of the built account page, held in memory with the headers it is served with. */
export interface WebAsset {
  body: Buffer;
  headers: Record<string, string>;
}

/** URL path → asset. Only `/`, `/index.html` and `/assets/<file>` exist: nothing else is ever looked up on disk. */
export type WebAssets = ReadonlyMap<string, WebAsset>;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The page's CSP: same-origin scripts, styles and fetches only, no inline code, no framing. Avatars may come from
 * any https origin (`user.picture` is usually a CDN URL); nothing else loads from another origin.
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const COMMON = { 'X-Content-Type-Options': 'nosniff' };

const PAGE_HEADERS = {
  ...COMMON,
  'Content-Type': 'text/html; charset=utf-8',
  // A new deploy's index.html names new hashed assets: never reuse an old one.
  'Cache-Control': 'no-store',
  'Content-Security-Policy': PAGE_CSP,
  'Referrer-Policy': 'same-origin',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

// Asset names carry a content hash (web/build.mjs), so they can be cached for a year (RFC 8246 immutable).
const ASSET_CACHE = 'public, max-age=31536000, immutable';

/** Reads the built page once at boot; null when `<directory>/index.html` is missing (page not built). */
export function loadWebAssets(directory: string): WebAssets | null {
  const index = join(directory, 'index.html');
  if (!existsSync(index)) return null;
  const assets = new Map<string, WebAsset>();
  const page: WebAsset = { body: readFileSync(index), headers: PAGE_HEADERS };
  assets.set('/', page);
  assets.set('/index.html', page);
  const assetDir = join(directory, 'assets');
  const files = existsSync(assetDir) ? readdirSync(assetDir, { withFileTypes: true }) : [];
  for (const file of files) {
    if (!file.isFile() || !/^[\w.-]+$/.test(file.name)) continue;
    const type = TYPES[extname(file.name)] ?? 'application/octet-stream';
    assets.set(`/assets/${file.name}`, {
      body: readFileSync(join(assetDir, file.name)),
      headers: { ...COMMON, 'Content-Type': type, 'Cache-Control': ASSET_CACHE },
    });
  }
  return assets;
}
