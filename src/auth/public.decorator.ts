import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'bff:isPublic';

/**
 * Opts a route out of the global `SessionGuard` (every route needs a signed-in session unless marked).
 * A store failure still answers 503 on these routes when the request carried a session cookie.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
