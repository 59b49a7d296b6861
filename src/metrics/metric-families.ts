import { Counter, Histogram, type Registry } from 'prom-client';

/**
 * Every metric family the BFF exports, in one table (names follow the Prometheus naming conventions: a
 * `bff_` prefix, base units, `_total` for counters). Label values are always from bounded sets: route
 * classes, HTTP status codes, route-table operation ids, Redis command names, fixed outcome and cause
 * words. Never a path, a user, a session or an error message.
 */

/** Seconds; from a cached read (~0.2 ms) to the longest upstream timeout. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; Redis commands answer in well under a millisecond, a timeout in `redis.commandTimeoutMs`. */
const STORE_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 0.5, 1, 2.5];

export function createMetricFamilies(registry: Registry) {
  const registers = [registry];
  return {
    requests: new Counter({
      name: 'bff_http_requests_total',
      help: 'Requests answered, by route class (my_account = the proxy) and HTTP status.',
      labelNames: ['route_class', 'status'] as const,
      registers,
    }),
    requestDuration: new Histogram({
      name: 'bff_http_request_duration_seconds',
      help: 'Time from the request reaching the BFF to the answer sent, by route class (my_account = the proxy).',
      labelNames: ['route_class'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'bff_upstream_request_duration_seconds',
      help: 'Calls to the My Account API, by operation: time until the whole answer was read or the call failed.',
      labelNames: ['operation'] as const,
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    upstreamResponses: new Counter({
      name: 'bff_upstream_responses_total',
      help: 'Answers of the My Account API, by operation and HTTP status.',
      labelNames: ['operation', 'status'] as const,
      registers,
    }),
    upstreamErrors: new Counter({
      name: 'bff_upstream_errors_total',
      help: 'Failed calls to the My Account API, by operation and reason (timeout, unreachable, server_error).',
      labelNames: ['operation', 'reason'] as const,
      registers,
    }),
    tokenRefreshes: new Counter({
      name: 'bff_token_refreshes_total',
      help: 'Refresh-token grants, by outcome (refreshed, session_ended, mfa_required, unavailable; late_recorded and late_dropped for an answer that came after the request stopped waiting).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    storeDuration: new Histogram({
      name: 'bff_store_command_duration_seconds',
      help: 'Redis commands of the session store, by command (a transaction counts once, as exec).',
      labelNames: ['command'] as const,
      buckets: STORE_BUCKETS,
      registers,
    }),
    storeErrors: new Counter({
      name: 'bff_store_errors_total',
      help: 'Failed Redis commands, by command and reason (timeout, unavailable, reply).',
      labelNames: ['command', 'reason'] as const,
      registers,
    }),
    stepUpChallenges: new Counter({
      name: 'bff_step_up_challenges_total',
      help: 'Step-up challenges answered (401 insufficient_user_authentication), by kind (mfa, recent_login).',
      labelNames: ['kind'] as const,
      registers,
    }),
    sessionsCreated: new Counter({
      name: 'bff_sessions_created_total',
      help: 'Sessions created by a completed login (redirect or embedded; a step-up creates a new one).',
      registers,
    }),
    sessionsEnded: new Counter({
      name: 'bff_sessions_ended_total',
      help: 'Sessions ended, by cause (logout, backchannel_logout, revoked, refresh_failed, expired, replaced).',
      labelNames: ['cause'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'bff_rate_limit_refusals_total',
      help: 'Requests refused with 429, by policy (the rateLimit policies and login-loop).',
      labelNames: ['policy'] as const,
      registers,
    }),
  };
}

export type MetricFamilies = ReturnType<typeof createMetricFamilies>;
