/**
 * DI tokens of the configuration: the whole (`APP_CONFIG`) and one read-only namespace each. Inject the
 * narrowest one: `@Inject(SESSION_CONFIG) private readonly session: SessionConfig`.
 */
export const APP_CONFIG = 'APP_CONFIG';
export const SERVER_CONFIG = 'SERVER_CONFIG';
export const OIDC_CONFIG = 'OIDC_CONFIG';
export const SESSION_CONFIG = 'SESSION_CONFIG';
export const TOKENS_CONFIG = 'TOKENS_CONFIG';
export const REDIS_CONFIG = 'REDIS_CONFIG';
export const MY_ACCOUNT_CONFIG = 'MY_ACCOUNT_CONFIG';
export const STEP_UP_CONFIG = 'STEP_UP_CONFIG';
export const AUTH_CONFIG = 'AUTH_CONFIG';
export const WEB_CONFIG = 'WEB_CONFIG';
export const METRICS_CONFIG = 'METRICS_CONFIG';
export const LOG_CONFIG = 'LOG_CONFIG';
