import { HttpException } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { ServerResponse } from 'node:http';
import type { ProblemBody, ProblemCode } from '../public-api.types.js';
import { BffError } from './bff-error.js';
import { PAGE_HEADERS, renderErrorPage } from './error-page.js';
import { requestClassOf, type RequestClass } from './request-class.js';

/** The status, body and headers of one error response (RFC 9457). */
export interface Problem {
  status: number;
  body: ProblemBody & Record<string, unknown>;
  headers: Record<string, string>;
  html: boolean;
}

const CODES: Record<number, [ProblemCode, string]> = {
  400: ['invalid_request', 'Invalid request'],
  401: ['login_required', 'Login required'],
  403: ['csrf_failed', 'Forbidden'],
  404: ['not_found', 'Not found'],
  405: ['method_not_allowed', 'Method not allowed'],
  413: ['payload_too_large', 'Payload too large'],
  415: ['unsupported_media_type', 'Unsupported media type'],
  429: ['rate_limited', 'Too many requests'],
  502: ['upstream_unavailable', 'Bad gateway'],
  503: ['upstream_unavailable', 'Service unavailable'],
  504: ['upstream_timeout', 'Gateway timeout'],
};

/** Errors from Express middleware (body-parser, http-errors): they carry `status` and `expose`. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

function statusOf(err: unknown): number {
  if (err instanceof BffError) return err.status;
  if (err instanceof HttpException) return err.getStatus();
  const e = err as HttpLikeError | undefined;
  const status = e?.status ?? e?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/** From 500 on the detail is generic: the cause goes to the log, never to the client. */
function hiddenDetail(status: number): string {
  return status === 503 || status === 504
    ? 'Temporarily unavailable. Try again shortly.'
    : 'The server could not complete the request.';
}

function detailOf(err: unknown, status: number): string {
  if (status >= 500) return hiddenDetail(status);
  if (err instanceof HttpException) return err.message;
  const e = err as HttpLikeError;
  if (e?.type === 'entity.parse.failed') return 'The body is not valid JSON.';
  if (e?.type === 'entity.too.large') return 'The body is larger than allowed.';
  return e?.expose && e.message ? e.message : (CODES[status]?.[1] ?? 'Request failed');
}

/** Any thrown value → a problem; detail hidden from 500 on, never a stack trace. */
export function toProblem(err: unknown, req: ProblemRequest): Problem {
  const status = statusOf(err);
  const [code, title] =
    CODES[status] ??
    (status >= 500 ? ['server_error', 'Internal server error'] : ['invalid_request', 'Request failed']);
  const type = 'about:blank';
  if (err instanceof BffError) {
    const detail = status < 500 ? err.detail : hiddenDetail(status);
    return {
      status,
      html: err.html || isNavigation(req),
      headers: err.headers,
      body: { ...err.extras, type, title: err.title, status, detail, code: err.code },
    };
  }
  return {
    status,
    html: isNavigation(req),
    headers: {},
    body: { type, title, status, detail: detailOf(err, status), code },
  };
}

/** What the renderer reads of a request: its class (stashed on Express requests), else method and path. */
export type ProblemRequest = Pick<Request, 'method' | 'path'> & { readonly requestClass?: RequestClass };

/** Browser navigations (class `navigation`) get a page; scripts and everything else get JSON. */
function isNavigation(req: ProblemRequest): boolean {
  return requestClassOf(req) === 'navigation';
}

export function sendProblem(res: Response, problem: Problem): void {
  if (!problem.html) return writeProblemJson(res, problem);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.status(problem.status);
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.set(PAGE_HEADERS).send(renderErrorPage(problem.body.title, problem.body.detail));
}

/**
 * A JSON problem on the raw response (also used by the proxy's hot path, which has no Express response):
 * status, the problem's headers, `application/problem+json; charset=utf-8`, the body and its length.
 */
export function writeProblemJson(res: ServerResponse, problem: Problem): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(problem.body);
  res.statusCode = problem.status;
  for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
