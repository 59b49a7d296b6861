import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';

/**
 * A rule, not a list: any query parameter whose NAME contains one of these words keeps its value out of
 * the logs (RFC 6749 §10.5, RFC 9700 §4.2.4: codes and state are credentials while they live). It covers
 * `code`, `connect_code`, `state`, `nonce`, `code_challenge`, `request_uri`, `*_token`, `*_hint` (PII),
 * `client_assertion`, `ticket`, `auth_session`, `otp` ... and anything named like them later. Redacting
 * a harmless parameter costs a little debugging; missing a credential costs an account.
 */
const SECRET_PARAM =
  /code|token|state|nonce|secret|ticket|assertion|verifier|challenge|passw|hint|key|session|otp|jwt|csrf|credential|signature|request_uri|(?:^|[^a-z])sid(?:$|[^a-z])/i;

/** True when a query parameter of this name must not be logged (see SECRET_PARAM). */
export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(name);
}

export function sanitizeUrl(url: string | undefined): string {
  if (!url) return '';
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = new URLSearchParams(url.slice(q + 1));
  const shown = [...params].map(
    ([k, v]) => `${encodeURIComponent(k)}=${isSecretParam(k) ? '[redacted]' : encodeURIComponent(v)}`,
  );
  return `${url.slice(0, q)}?${shown.join('&')}`;
}

/**
 * One JSON line per request, with the request id; headers redacted by the root logger. pino-http builds
 * child loggers and serialises every request up front (about a fifth of a proxied read's CPU, measured
 * with `npm run bench`), so below `info` only failed requests (5xx) are written, by a lighter hook.
 */
export function httpLogger(logger: Logger) {
  if (!logger.isLevelEnabled('info')) return failedRequestLogger(logger);
  return pinoHttp({
    logger,
    genReqId: (req) => req.id,
    quietReqLogger: true,
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'info',
    serializers: {
      req: (req: IncomingMessage & { raw?: IncomingMessage }) => ({
        id: req.id,
        method: req.method,
        url: sanitizeUrl(req.url),
        headers: req.headers,
      }),
      res: (res: ServerResponse & { headers?: Record<string, unknown> }) => ({
        statusCode: res.statusCode,
        // Redirects carry state, nonce, PKCE challenge or logout_hint in their query.
        headers:
          typeof res.headers?.location === 'string'
            ? { ...res.headers, location: sanitizeUrl(res.headers.location) }
            : res.headers,
      }),
    },
  });
}

/** At `warn` and above: one error line per 5xx answer, nothing for the others. */
function failedRequestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    res.once('finish', () => {
      if (res.statusCode < 500) return;
      logger.error(
        {
          req: { id: req.id, method: req.method, url: sanitizeUrl(req.originalUrl) },
          res: { statusCode: res.statusCode },
        },
        'request failed',
      );
    });
    next();
  };
}

/**
 * The logger for `logAccess` lines: the same destination and level, without the redaction pass (about
 * two thirds of a line's cost). Safe only because an access line holds nothing but fields `logAccess`
 * builds itself: a request id already checked against a strict form, the method, the URL through
 * `sanitizeUrl`, the status and the duration. Never log anything else through it.
 */
export function accessLogger(logger: Logger): Logger {
  return logger.child({}, { redact: [] });
}

/**
 * The access line of a request answered outside Express (the proxy's hot path): at `info` one line per
 * request, below it one error line per 5xx, else nothing. One pino call on `accessLogger(root)`.
 */
export function logAccess(
  logger: Logger,
  req: { readonly id: string; readonly method: string; readonly url: string },
  statusCode: number,
  responseTimeMs: number,
): void {
  if (statusCode >= 500) {
    logger.error(
      { req: { id: req.id, method: req.method, url: sanitizeUrl(req.url) }, res: { statusCode } },
      'request failed',
    );
  } else if (logger.isLevelEnabled('info')) {
    logger.info(
      {
        req: { id: req.id, method: req.method, url: sanitizeUrl(req.url) },
        res: { statusCode },
        responseTime: Math.round(responseTimeMs),
      },
      'request completed',
    );
  }
}
