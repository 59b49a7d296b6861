import type { ProblemCode } from '../public-api.types.js';

export interface BffErrorOptions {
  status: number;
  code: ProblemCode;
  title: string;
  detail?: string;
  /** Extra problem members (RFC 9457 §3.2), e.g. `login_url`, `acr_values`. */
  extras?: Record<string, unknown>;
  /** Response headers, e.g. `Retry-After`, `WWW-Authenticate`. */
  headers?: Record<string, string>;
  /** Render as a small HTML page instead of JSON (browser navigations under /auth/*). */
  html?: boolean;
  cause?: unknown;
}

/**
 * The base of every error the BFF raises on purpose: a status, a stable `code` in the OAuth vocabulary,
 * and what the problem body may say. `ProblemDetailsFilter` is the only place that renders it; `detail`
 * is shown only below 500 (node-oidc-provider's `expose`).
 */
export class BffError extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string;
  readonly extras: Record<string, unknown>;
  readonly headers: Record<string, string>;
  readonly html: boolean;

  constructor(options: BffErrorOptions) {
    super(
      options.detail ?? options.title,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name;
    this.status = options.status;
    this.code = options.code;
    this.title = options.title;
    this.detail = options.detail ?? options.title;
    this.extras = options.extras ?? {};
    this.headers = options.headers ?? {};
    this.html = options.html ?? false;
  }
}

/** 401 `login_required`: no (valid) session. */
export class NotAuthenticated extends BffError {
  constructor(detail = 'Sign in first.') {
    super({
      status: 401,
      code: 'login_required',
      title: 'Login required',
      detail,
      extras: { login_url: '/auth/login' },
    });
  }
}

/** 503 `session_store_unavailable`: Redis did not answer; nothing was deleted, the cookie is kept. */
export class SessionStoreUnavailable extends BffError {
  constructor(retryAfterSeconds: number, cause?: unknown) {
    super({
      status: 503,
      code: 'session_store_unavailable',
      title: 'Session store unavailable',
      detail: 'The session store did not answer. Try again shortly.',
      headers: { 'Retry-After': String(retryAfterSeconds) },
      cause,
    });
  }
}

/** 400 `invalid_request`. */
export class InvalidRequest extends BffError {
  constructor(detail: string, extras?: Record<string, unknown>) {
    super({ status: 400, code: 'invalid_request', title: 'Invalid request', detail, extras });
  }
}

/** 503 `idp_unavailable`: the tenant did not answer (discovery, token endpoint). */
export class IdpUnavailable extends BffError {
  constructor(
    detail = 'The identity provider did not answer. Try again shortly.',
    html = false,
    cause?: unknown,
  ) {
    super({
      status: 503,
      code: 'idp_unavailable',
      title: 'Identity provider unavailable',
      detail,
      headers: { 'Retry-After': '5' },
      html,
      cause,
    });
  }
}
