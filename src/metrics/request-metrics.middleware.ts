import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { requestClassOf } from '../http/request-class.js';
import { routeClassOf } from './route-class.js';
import { type Metrics, secondsSince } from './metrics.service.js';

/**
 * Counts every answered request by route class and status and observes its duration (from here, the
 * first middleware, to the last byte handed to the socket). A request whose client went away before the
 * answer was sent is not counted.
 */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    const routeClass = routeClassOf(requestClassOf(req));
    res.once('finish', () => metrics.request(routeClass, res.statusCode, secondsSince(started)));
    next();
  };
}
