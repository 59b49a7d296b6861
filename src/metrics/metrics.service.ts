import { collectDefaultMetrics, type Counter, type Histogram, Registry } from 'prom-client';
import { createMetricFamilies, type MetricFamilies } from './metric-families.js';
import { ROUTE_CLASSES, type RouteClass } from './route-class.js';

/** What became of a refresh-token grant. */
/**
 * How a refresh-token grant ended. `late_recorded` / `late_dropped`: the answer to a refresh the request had
 * stopped waiting for (`unavailable` was counted then), written to the session or dropped (another refresh won).
 */
export type RefreshOutcome =
  'refreshed' | 'session_ended' | 'mfa_required' | 'unavailable' | 'late_recorded' | 'late_dropped';
/** Why a session ended. */
export type SessionEndCause =
  'logout' | 'backchannel_logout' | 'revoked' | 'refresh_failed' | 'expired' | 'replaced';
/** Why a Redis command failed: no answer in time, no connection, or an error reply. */
export type StoreErrorReason = 'timeout' | 'unavailable' | 'reply';
/** An upstream call's end: the answer's HTTP status, or why there was none. */
export type UpstreamOutcome = number | 'timeout' | 'unreachable';

type CounterChild = Counter.Internal;
type HistogramChild = Histogram.Internal<string>;

/**
 * The BFF's Prometheus metrics: one method per event, called where the event happens. Each app has its
 * own registry (several apps may share a test process). Recording is cheap enough for the proxy's hot path:
 * the labelled children are bound once per label value and cached, so a call allocates nothing beyond what
 * prom-client does inside `inc`/`observe`.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly families: MetricFamilies;
  private readonly requestCounters = new Map<RouteClass, Map<number, CounterChild>>();
  private readonly requestDurations = new Map<RouteClass, HistogramChild>();
  private readonly upstreamDurations = new Map<string, HistogramChild>();
  private readonly upstreamAnswers = new Map<string, Map<number, CounterChild>>();
  private readonly storeDurations = new Map<string, HistogramChild>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    this.families = createMetricFamilies(this.registry);
    for (const routeClass of ROUTE_CLASSES) {
      this.requestCounters.set(routeClass, new Map());
      this.requestDurations.set(routeClass, this.families.requestDuration.labels(routeClass));
    }
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition of every family (Prometheus format 0.0.4). */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** One answered request: counted by route class and status, its duration observed. */
  request(routeClass: RouteClass, status: number, seconds: number): void {
    const byStatus = this.requestCounters.get(routeClass)!;
    let counter = byStatus.get(status);
    if (!counter) {
      counter = this.families.requests.labels(routeClass, String(status));
      byStatus.set(status, counter);
    }
    counter.inc();
    this.requestDurations.get(routeClass)!.observe(seconds);
  }

  /** One call to the My Account API (`operation` is the route table's operation id). */
  upstream(operation: string, outcome: UpstreamOutcome, seconds: number): void {
    let duration = this.upstreamDurations.get(operation);
    if (!duration) {
      duration = this.families.upstreamDuration.labels(operation);
      this.upstreamDurations.set(operation, duration);
      this.upstreamAnswers.set(operation, new Map());
    }
    duration.observe(seconds);
    if (typeof outcome !== 'number') {
      this.families.upstreamErrors.labels(operation, outcome).inc();
      return;
    }
    const answers = this.upstreamAnswers.get(operation)!;
    let counter = answers.get(outcome);
    if (!counter) {
      counter = this.families.upstreamResponses.labels(operation, String(outcome));
      answers.set(outcome, counter);
    }
    counter.inc();
    if (outcome >= 500) this.families.upstreamErrors.labels(operation, 'server_error').inc();
  }

  /** One Redis command of the store, answered or failed. */
  storeCommand(command: string, seconds: number, error?: StoreErrorReason): void {
    let duration = this.storeDurations.get(command);
    if (!duration) {
      duration = this.families.storeDuration.labels(command);
      this.storeDurations.set(command, duration);
    }
    duration.observe(seconds);
    if (error) this.families.storeErrors.labels(command, error).inc();
  }

  tokenRefresh(outcome: RefreshOutcome): void {
    this.families.tokenRefreshes.labels(outcome).inc();
  }

  /** A 401 `insufficient_user_authentication` answered: with `acr_values` (mfa) or only `max_age`. */
  stepUpChallenge(kind: 'mfa' | 'recent_login'): void {
    this.families.stepUpChallenges.labels(kind).inc();
  }

  sessionCreated(): void {
    this.families.sessionsCreated.inc();
  }

  sessionEnded(cause: SessionEndCause): void {
    this.families.sessionsEnded.labels(cause).inc();
  }

  /** A request refused with 429 by a rate-limit policy or the login-loop breaker. */
  rateLimited(policy: string): void {
    this.families.rateLimited.labels(policy).inc();
  }
}

/** Seconds since `startedMs` (a `performance.now()` reading). */
export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
