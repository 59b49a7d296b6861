import { SetMetadata } from '@nestjs/common';

export const SKIP_CSRF = 'csrf:skip';

/**
 * Explicit opt-out from the global CsrfGuard, for endpoints with their own defence: `/auth/callback`
 * (state + PKCE), `/auth/backchannel-logout` (a signed logout token, posted by the IdP), `/auth/logout`'s
 * form post (the session's CSRF token field). Visible next to the route, as STYLE rule 7 asks.
 */
export const SkipCsrf = () => SetMetadata(SKIP_CSRF, true);
