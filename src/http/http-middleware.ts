import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/**
 * Express-level middleware that runs before Nest's router, so framework answers (404, 405, 413, bad
 * JSON) get the same headers as ours.
 */

const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `x-request-id` from the caller when sane, else a fresh UUID; echoed on the response. */
export function requestId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const given = req.headers['x-request-id'];
    const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
    req.id = id; // typed by pino-http's IncomingMessage augmentation
    res.setHeader('X-Request-Id', id);
    next();
  };
}

/** DESIGN §5: every answer under /auth/* and /api/* is `Cache-Control: no-store`. */
export function noStore() {
  return (req: Request, res: Response, next: NextFunction) => {
    // Express routes case-insensitively and tolerates repeated slashes: match the same way.
    if (/^\/+(auth|api)(\/|$)/i.test(req.path)) {
      res.setHeader('Cache-Control', 'no-store');
      res.setHeader('Pragma', 'no-cache');
    }
    next();
  };
}

/** Baseline headers; the account page sets its own, stricter CSP. */
export function securityHeaders() {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
    res.removeHeader('X-Powered-By');
    next();
  };
}
