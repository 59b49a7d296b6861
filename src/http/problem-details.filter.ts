import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, NotFoundException } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Express, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ROOT_LOGGER } from '../logging/logger.js';
import { Metrics } from '../metrics/metrics.service.js';
import { allowedMethods } from './route-inventory.js';
import { type Problem, sendProblem, toProblem } from './problem.js';

/**
 * The one renderer of errors (docs/architecture.md#the-http-surface): every exception, ours or the framework's, becomes
 * `application/problem+json` (or the small HTML page for /auth navigations). A 404 for a path that exists
 * with other methods becomes 405 with `Allow`.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(ROOT_LOGGER) private readonly logger: Logger,
    private readonly metrics: Metrics,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const problem = this.methodNotAllowed(exception, req) ?? toProblem(exception, req);
    logProblem(this.logger, req, problem, exception);
    countProblem(this.metrics, problem);
    sendProblem(res, problem);
  }

  private methodNotAllowed(exception: unknown, req: Request): Problem | undefined {
    if (!(exception instanceof NotFoundException) || !/^Cannot /.test(exception.message)) return undefined;
    const allow = allowedMethods(this.adapterHost.httpAdapter.getInstance<Express>(), req.path).filter(
      (m) => m !== req.method,
    );
    if (!allow.length) return undefined;
    const problem = toProblem(
      { status: 405, expose: true, message: `${req.method} is not allowed here.` },
      req,
    );
    return { ...problem, headers: { Allow: allow.join(', ') } };
  }
}

/**
 * Counts what an answered problem tells: every step-up challenge, whoever raised it (the proxy's policy, an
 * upstream challenge, a refresh the tenant answered `mfa_required`, the sessions API), is counted once, by
 * whichever code renders it (this filter, or the proxy's hot path).
 */
export function countProblem(metrics: Pick<Metrics, 'stepUpChallenge'>, problem: Problem): void {
  if (problem.body.code !== 'insufficient_user_authentication') return;
  const recentLogin = problem.body.max_age !== undefined && problem.body.acr_values === undefined;
  metrics.stepUpChallenge(recentLogin ? 'recent_login' : 'mfa');
}

export function logProblem(
  logger: Logger,
  req: Pick<Request, 'id' | 'method' | 'path'>,
  problem: Problem,
  err: unknown,
): void {
  const fields = {
    reqId: req.id,
    status: problem.status,
    code: problem.body.code,
    method: req.method,
    path: req.path,
  };
  if (problem.status === 500) logger.error({ ...fields, err }, 'request failed');
  else if (problem.status > 500)
    logger.warn(
      {
        ...fields,
        err: {
          message: (err as Error)?.message,
          cause: ((err as Error)?.cause as Error | undefined)?.message,
        },
      },
      'request failed',
    );
  else logger.debug(fields, 'request refused');
}
