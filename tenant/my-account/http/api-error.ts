import type { ValidationErrorItem } from '../oas/schema-validator.js';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * An error the My Account API answers with: rendered as the OAS `ErrorResponse`
 * (`{type, title, status, detail, validation_errors?}`, `application/json`). `type` is a stable code.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly detail: string,
    readonly validationErrors?: ValidationErrorItem[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }

  get title(): string {
    return TITLES[this.status] ?? 'Error';
  }

  toBody(): Record<string, unknown> {
    const body: Record<string, unknown> = {
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
    };
    if (this.validationErrors?.length) body.validation_errors = this.validationErrors;
    return body;
  }
}

export const badRequest = (type: string, detail: string, errors?: ValidationErrorItem[]) =>
  new ApiError(400, type, detail, errors);
export const forbidden = (type: string, detail: string) => new ApiError(403, type, detail);
export const notFound = (detail: string) => new ApiError(404, 'not_found', detail);
export const conflict = (detail: string) => new ApiError(409, 'conflict', detail);

/** One invalid field, as a 400 with `validation_errors`. */
export function invalidField(
  field: string,
  detail: string,
  source: 'body' | 'query' | 'path' = 'body',
): ApiError {
  return badRequest('invalid_request', `Invalid ${source}: ${detail}`, [
    { detail, field, pointer: `/${field.split('.').join('/')}`, source },
  ]);
}
