import type { NextFunction, Request, Response } from 'express';
import type { WebAssets } from './web-assets.js';

/**
 * Answers GET/HEAD for the few paths of the built page and passes everything else on untouched, so `/auth/*`,
 * `/api/*`, `/healthz`, `/readyz` and `/metrics` (and their 404s) are never shadowed.
 */
export function webStaticMiddleware(assets: WebAssets) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // `originalUrl`: Nest mounts middleware under a route pattern, which makes `req.path` relative to it.
    const path = req.originalUrl.split('?', 1)[0];
    const asset = assets.get(path);
    if (!asset) return next();
    res.status(200).set(asset.headers).set('Content-Length', String(asset.body.length));
    if (req.method === 'HEAD') res.end();
    else res.end(asset.body);
  };
}
