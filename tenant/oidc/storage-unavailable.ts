import type { KoaContextWithOIDC } from 'oidc-provider';
import { renderErrorPage } from '../interactions/html.js';

/**
 * Fails closed and says so when Redis is down: whatever oidc-provider answered as a 5xx (or threw)
 * becomes 503 `temporarily_unavailable` (RFC 6749 §4.1.2.1) with Retry-After, instead of a generic 500.
 */
export const STORAGE_RETRY_AFTER_SECONDS = 5;

export function createStorageGuard(isStorageUp: () => boolean) {
  return async function storageUnavailable(
    ctx: KoaContextWithOIDC,
    next: () => Promise<void>,
  ): Promise<void> {
    let failed = false;
    try {
      await next();
    } catch (err) {
      if (isStorageUp()) throw err;
      failed = true;
    }
    if ((failed || ctx.status >= 500) && !isStorageUp()) {
      ctx.status = 503;
      ctx.set('retry-after', String(STORAGE_RETRY_AFTER_SECONDS));
      ctx.set('cache-control', 'no-store');
      const description = 'The tenant cannot reach its storage; try again shortly';
      if (ctx.accepts(['json', 'html']) === 'html') {
        ctx.type = 'html';
        ctx.body = renderErrorPage('temporarily_unavailable', description);
      } else {
        ctx.body = { error: 'temporarily_unavailable', error_description: description };
      }
    }
  };
}
