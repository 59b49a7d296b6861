import type { ProblemBody, ProblemCode } from '../../src/public-api.types.js';

/**
 * An error the BFF itself produced: RFC 9457 `application/problem+json` with a stable `code`
 * (docs/architecture.md#the-http-surface).
 */
export class BffProblem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly title: string;
  readonly detail: string;
  readonly type: string;
  readonly scope?: string;
  readonly login_url?: string;
  readonly acr_values?: string;
  readonly max_age?: number;

  constructor(body: ProblemBody) {
    super(body.detail || body.title || body.code);
    this.name = 'BffProblem';
    this.status = body.status;
    this.code = body.code;
    this.title = body.title;
    this.detail = body.detail;
    this.type = body.type;
    this.scope = body.scope;
    this.login_url = body.login_url;
    this.acr_values = body.acr_values;
    this.max_age = body.max_age;
  }

  /** A new login (step-up or more scopes) would let the same request succeed. */
  get needsLogin(): boolean {
    return this.code === 'insufficient_user_authentication' || this.code === 'insufficient_scope';
  }
}

/** One entry of the My Account API's `validation_errors`. */
export interface ValidationError {
  detail: string;
  field?: string;
  pointer?: string;
  source?: string;
}

/** The My Account API's own error body (`ErrorResponse` in its OAS), passed through unchanged by the BFF. */
export interface MyAccountErrorBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  validation_errors?: ValidationError[];
}

export class MyAccountApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly title: string;
  readonly detail: string;
  readonly validation_errors: ValidationError[];

  constructor(body: MyAccountErrorBody) {
    super(body.detail || body.title);
    this.name = 'MyAccountApiError';
    this.status = body.status;
    this.type = body.type;
    this.title = body.title;
    this.detail = body.detail;
    this.validation_errors = body.validation_errors ?? [];
  }
}

/** An error response that is neither a BFF problem nor a My Account error (e.g. an HTML page from a proxy). */
export class UnexpectedResponseError extends Error {
  constructor(readonly status: number) {
    super(`Unexpected response (HTTP ${status})`);
    this.name = 'UnexpectedResponseError';
  }
}

/** The request never got an answer (offline, DNS, connection reset). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('The server could not be reached', { cause });
    this.name = 'NetworkError';
  }
}

export function isProblemBody(body: unknown): body is ProblemBody {
  const b = body as Partial<ProblemBody> | null;
  return typeof b === 'object' && b !== null && typeof b.code === 'string' && typeof b.status === 'number';
}

export function isMyAccountErrorBody(body: unknown): body is MyAccountErrorBody {
  const b = body as Partial<MyAccountErrorBody> | null;
  return typeof b === 'object' && b !== null && typeof b.status === 'number' && typeof b.title === 'string';
}
