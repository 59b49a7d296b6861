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
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Pragma', 'no-cache');
}

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
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
}

/** Baseline headers; the account page sets its own, stricter CSP. */
export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction) => {
    setSecurityHeaders(res);
    res.removeHeader('X-Powered-By');
    next();
  };
}
