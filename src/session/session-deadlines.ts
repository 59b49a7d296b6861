/**
 * The session's time rules in one place (SES-8, SES-9), read by the store (express-session's path) and the
 * proxy's hot path: a session is over once idle for `idleMs` since its last recorded activity or `absMs`
 * after its creation; activity is written at most once per `touchIntervalMs`. All times in epoch ms.
 */
export interface SessionTimes {
  readonly idleMs: number;
  readonly absMs: number;
  readonly touchIntervalMs: number;
}

/** True when the session is past its idle or its absolute deadline (or its times are not numbers). */
export function isPastDeadline(times: SessionTimes, now: number, created: number, seen: number): boolean {
  if (!Number.isFinite(created) || !Number.isFinite(seen)) return true;
  return now - seen >= times.idleMs || now - created >= times.absMs;
}

/** True when this request's activity must be written (the last write is `touchIntervalMs` old or more). */
export function isTouchDue(times: SessionTimes, now: number, seen: number): boolean {
  return !(Number.isFinite(seen) && now - seen < times.touchIntervalMs);
}

export function sessionTimes(config: {
  readonly idleTimeoutSeconds: number;
  readonly absoluteTimeoutSeconds: number;
  readonly touchIntervalSeconds: number;
}): SessionTimes {
  return {
    idleMs: config.idleTimeoutSeconds * 1000,
    absMs: config.absoluteTimeoutSeconds * 1000,
    touchIntervalMs: config.touchIntervalSeconds * 1000,
  };
}
