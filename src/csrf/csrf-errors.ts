import { StatusError } from '../http/status-error.js';

/**
 * 403 `csrf_failed`: the request could have been forged by another site
 * (docs/architecture.md#the-http-surface).
 */
export class CsrfFailed extends StatusError {
  constructor(detail: string) {
    super(403, 'csrf_failed', detail);
  }
}

/** 415 `unsupported_media_type`: a body that is not `application/json` (CSRF-4: no CORS-simple bodies). */
export class UnsupportedMediaType extends StatusError {
  constructor(detail: string) {
    super(415, 'unsupported_media_type', detail);
  }
}
