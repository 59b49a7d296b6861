import type { Request, Response } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import { readCookieHeader } from '../http/cookie-header.js';

/**
 * Binds connected-account links and passkey challenges to the browser that started them (BCP-3): a
 * random value in a `__Host-` cookie (Secure, HttpOnly, SameSite=Lax so it survives the cross-site
 * redirect back, Max-Age ≤ 600); the stored transaction keeps its hash. One value per browser, so several
 * tabs may run at once. (Login transactions are themselves cookies: login-transaction-cookies.ts.)
 */

const VALUE = /^[A-Za-z0-9_-]{43}$/;

/** The cookie named exactly `name` (RFC 6265 §5.4, see cookie-header.ts). */
export function readCookie(req: Request, name: string): string | undefined {
  return readCookieHeader(req.headers.cookie, name);
}

export function hashBinding(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** The browser's binding value (reused when present, else new), refreshed for `ttlSeconds`. */
export function ensureBinding(req: Request, res: Response, cookieName: string, ttlSeconds: number): string {
  const existing = readCookie(req, cookieName);
  const value = existing && VALUE.test(existing) ? existing : randomBytes(32).toString('base64url');
  res.cookie(cookieName, value, {
    httpOnly: true,
    secure: true,
    sameSite: 'lax',
    path: '/',
    maxAge: ttlSeconds * 1000,
  });
  return value;
}

export function isBoundTo(req: Request, cookieName: string, expectedHash: string): boolean {
  const value = readCookie(req, cookieName);
  if (!value || !VALUE.test(value)) return false;
  const actual = Buffer.from(hashBinding(value));
  const expected = Buffer.from(expectedHash);
  return actual.length === expected.length && actual.equals(expected);
}
