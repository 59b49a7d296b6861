import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { requestClassOf } from './request-class.js';

/**
 * JSON for scripts, urlencoded for the logout form and back-channel logout; nothing else is parsed. The
 * proxy's bodies (class `proxy`) are not parsed here: the My Account proxy reads the raw bytes itself and
 * forwards them unchanged (docs/architecture.md#performance: no JSON re-serialisation; the bytes are
 * replayed for the DPoP nonce retry).
 */
export function bodyParsers(limit: string): RequestHandler {
  const json = express.json({ limit });
  const form = express.urlencoded({ extended: false, limit, parameterLimit: 100 });
  return (req: Request, res: Response, next: NextFunction) => {
    if (requestClassOf(req) === 'proxy') return next();
    json(req, res, (err?: unknown) => (err ? next(err) : form(req, res, next)));
  };
}
