import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { isSessionClass, requestClassOf } from './request-class.js';

/**
 * Express-level middleware that runs before Nest's router, so framework answers (404, 405, 413, bad
 * JSON) get the same headers as ours.
 */

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The id of a request: the caller's `x-request-id` when sane, else a fresh UUID. */
export function requestIdOf(given: string | string[] | undefined): string {
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
}

/** `x-request-id` from the caller when sane, else a fresh UUID; echoed on the response. */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const id = requestIdOf(req.headers['x-request-id']);
    req.id = id; // typed by pino-http's IncomingMessage augmentation
    res.setHeader('X-Request-Id', id);
    next();
  };
}

/** docs/architecture.md#the-http-surface: no answer under /auth/* and /api/* may be stored. */
export function setNoStore(res: ServerResponse): void {
  for (let i = 0; i < NO_STORE_HEADERS.length; i += 2)
    res.setHeader(NO_STORE_HEADERS[i], NO_STORE_HEADERS[i + 1]);
}

/** The headers `setNoStore` sets, as name/value pairs in one flat list (`writeHead` takes that form). */
export const NO_STORE_HEADERS: readonly string[] = ['Cache-Control', 'no-store', 'Pragma', 'no-cache'];

/**
 * docs/architecture.md#the-http-surface: every answer under /auth/* and /api/* is `Cache-Control: no-store`.
 */
export function noStore() {
  return (req: Request, res: Response, next: NextFunction) => {
    if (isSessionClass(requestClassOf(req))) setNoStore(res);
    next();
  };
}

/** Baseline headers of every answer; the account page sets its own, stricter CSP. */
export function setSecurityHeaders(res: ServerResponse): void {
  for (let i = 0; i < SECURITY_HEADERS.length; i += 2)
    res.setHeader(SECURITY_HEADERS[i], SECURITY_HEADERS[i + 1]);
}

/** The headers `setSecurityHeaders` sets, as name/value pairs in one flat list (`writeHead` takes that form). */
export const SECURITY_HEADERS: readonly string[] = [
  'X-Content-Type-Options',
  'nosniff',
  'Referrer-Policy',
  'no-referrer',
  'X-Frame-Options',
  'DENY',
  'Content-Security-Policy',
  "frame-ancestors 'none'",
];

/** Baseline headers; the account page sets its own, stricter CSP. */
export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction) => {
    setSecurityHeaders(res);
    res.removeHeader('X-Powered-By');
    next();
  };
}
