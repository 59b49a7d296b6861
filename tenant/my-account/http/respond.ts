import type { ServerResponse } from 'node:http';
import { ApiError } from './api-error.js';

export type HeaderMap = Record<string, string>;

/** `application/json` as the OAS declares it (RFC 8259 §11: JSON has no charset parameter). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: HeaderMap = {}): void {
  if (res.headersSent) return;
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'cache-control': 'no-store',
    ...(body === undefined
      ? {}
      : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, error: ApiError, headers: HeaderMap = {}): void {
  sendJson(res, error.status, error.toBody(), { ...headers, ...error.headers });
}
