import type { NextFunction, Request, RequestHandler, Response } from 'express';
import session from 'express-session';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { SessionConfig } from '../config/config.schema.js';
import { isSessionClass, requestClassOf } from '../http/request-class.js';
import type { RedisSessionStore } from './redis-session.store.js';

export const STORE_FAILURE = Symbol('bff.sessionStoreFailure');

declare module 'express-serve-static-core' {
  interface Request {
    /** Set when the session store failed while loading this request's session (→ 503, never anonymous). */
    [STORE_FAILURE]?: unknown;
  }
}

/**
 * express-session with the cookie policy in one place (BCP-15): `__Host-` name, Secure, HttpOnly,
 * Path=/, no Domain, SameSite from config, no Max-Age (SES-5: the server enforces idle and absolute
 * timeouts).
 * No key for anonymous requests (saveUninitialized false), no rewrite of unchanged sessions (resave
 * false; activity goes through the store's throttled `touch`), no cookie rewrite per request (rolling
 * false).
 *
 * A store failure is never a logout (SES-16, README "When Redis fails"): when the read
 * fails, express-session leaves `req.session` unset; with `unset: 'destroy'` it would then destroy the
 * session at the end of the response, a destroy that Redis runs as soon as it answers again. So `unset`
 * is `keep`: nothing ends a session except an explicit destroy (logout, back-channel logout, revocation,
 * expiry, a refresh token the tenant refused).
 */
export function createSessionMiddleware(
  config: SessionConfig,
  store: RedisSessionStore,
  logger: Logger,
): RequestHandler {
  const inner = session({
    name: config.cookieName,
    secret: [...config.secrets],
    store,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: 'keep',
    genid: () => randomBytes(32).toString('base64url'),
    cookie: { httpOnly: true, secure: true, sameSite: config.sameSite, path: '/' },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    // Only browser navigations and the JSON API have sessions: no store read for the page or the probes.
    if (!isSessionClass(requestClassOf(req))) {
      next();
      return;
    }
    // express-session only sends a Secure cookie when it believes the request came over TLS. The
    // configuration already guarantees https (or http://localhost, where browsers accept Secure
    // cookies), and behind a TLS-terminating proxy the socket is plain http: so say so here instead of
    // trusting X-Forwarded-Proto.
    Object.defineProperty(req, 'secure', { value: true, configurable: true });
    if (req[STORE_FAILURE] !== undefined) {
      // The proxy's hot path already saw this request's store read fail: answer from that failure (the
      // guards give 503) rather than wait for a second timeout. Nothing is read, written or destroyed.
      next();
      return;
    }
    let continued = false;
    inner(req, res, (err?: unknown) => {
      if (continued) {
        // A save or touch after the response was sent: nothing to answer any more, only to record.
        if (err)
          logger.warn(
            { reqId: req.id, err: { message: (err as Error).message } },
            'session write after response failed',
          );
        return;
      }
      continued = true;
      if (err) {
        // Fail closed (SES-16): remember the failure; the session guard answers 503.
        req[STORE_FAILURE] = err;
        logger.warn({ reqId: req.id, err: { message: (err as Error).message } }, 'session store failed');
      }
      next();
    });
  };
}
