import { SetMetadata } from '@nestjs/common';

export const ACCEPTS_BEARER = 'bearer:accepts';

/**
 * Marks a route whose callers are a session or a bearer caller (docs/architecture.md#bearer-callers): the
 * My Account proxy. `BearerGuard` judges bearer callers only on such routes, and runs before the session
 * guard (app.module.ts), which leaves caller resolution on them to the route: the proxy checks its route
 * table first and then answers 401 `login_required` when there is neither a session nor a bearer caller.
 */
export const AcceptsBearer = () => SetMetadata(ACCEPTS_BEARER, true);
