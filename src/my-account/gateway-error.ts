import { StatusError } from '../http/status-error.js';

/**
 * An error the gateway answers itself (route, body, upstream, scope): a `StatusError` (src/http), so the one
 * ProblemDetailsFilter renders it with its status, code, extra members and headers.
 */
export class GatewayError extends StatusError {}

/**
 * 404: the path is not an operation of the My Account API (docs/architecture.md#the-my-account-proxy: never
 * reaches the upstream).
 */
export class RouteNotFound extends GatewayError {
  constructor() {
    super(404, 'not_found', 'No My Account API operation has this path');
  }
}

/** 405: the path exists, the method does not; `Allow` lists the methods that do (RFC 9110 §15.5.6). */
export class MethodNotAllowed extends GatewayError {
  constructor(readonly allow: readonly string[]) {
    super(
      405,
      'method_not_allowed',
      `This path accepts ${allow.join(', ')}`,
      { allow },
      { allow: allow.join(', ') },
    );
  }
}

/** 400: the path or query is malformed or hostile (traversal, encoded slashes, double encoding, ...). */
export class InvalidPath extends GatewayError {
  constructor(detail: string) {
    super(400, 'invalid_request', detail);
  }
}

/** 504: the upstream did not answer within the route's timeout. */
export class UpstreamTimeout extends GatewayError {
  constructor(timeoutMs: number) {
    super(504, 'upstream_timeout', `The My Account API did not answer within ${timeoutMs} ms`);
  }
}

/** 502: the upstream could not be reached, or answered with a server error (its body is not shown). */
export class UpstreamUnavailable extends GatewayError {
  /** The upstream's own status when it answered 5xx (for logs and metrics; never shown to the browser). */
  constructor(
    detail = 'The My Account API is unavailable',
    readonly upstreamStatus?: number,
  ) {
    super(502, 'upstream_unavailable', detail);
  }
}

/**
 * 403: the session's token lacks the operation's scope; `login_url` asks for it
 * (docs/architecture.md#the-my-account-proxy).
 */
export class InsufficientScope extends GatewayError {
  constructor(
    readonly scope: string,
    loginUrl: string,
  ) {
    super(403, 'insufficient_scope', `This operation needs the scope ${scope}`, {
      scope,
      login_url: loginUrl,
    });
  }
}

/** 400: the request body is not what the operation takes (e.g. not JSON). */
export class InvalidBody extends GatewayError {
  constructor(detail: string) {
    super(400, 'invalid_request', detail);
  }
}

/** How an upstream call that threw ended, for metrics: the upstream's 5xx status, a timeout, or no answer. */
export function upstreamOutcomeOf(error: unknown): number | 'timeout' | 'unreachable' {
  if (error instanceof UpstreamTimeout) return 'timeout';
  if (error instanceof UpstreamUnavailable && error.upstreamStatus !== undefined) return error.upstreamStatus;
  return 'unreachable';
}
