/**
 * Step-up loop guard (RFC 9470 §5, SU-7): an IdP that ignores `acr_values` would send the browser round
 * and round. The session keeps this small record; each step-up login start goes through
 * `registerStepUpAttempt`, and a satisfied step-up clears it (`undefined`).
 */
export interface StepUpAttempts {
  readonly count: number;
  /** Epoch seconds of the first attempt in the current window. */
  readonly firstAt: number;
}

export interface LoopGuardPolicy {
  /** Step-up logins allowed within the window (default 2: the first and one retry). */
  readonly maxAttempts: number;
  readonly windowSeconds: number;
}

export const DEFAULT_LOOP_GUARD: LoopGuardPolicy = Object.freeze({ maxAttempts: 2, windowSeconds: 600 });

export interface LoopGuardDecision {
  /** False: show an error instead of redirecting again. */
  readonly allowed: boolean;
  /** The record to store (unchanged when refused, so refusing does not extend the window). */
  readonly state: StepUpAttempts;
}

export function registerStepUpAttempt(
  previous: StepUpAttempts | undefined,
  now: number,
  guard: LoopGuardPolicy = DEFAULT_LOOP_GUARD,
): LoopGuardDecision {
  const expired = !previous || now - previous.firstAt >= guard.windowSeconds || previous.firstAt > now;
  if (expired) return { allowed: true, state: { count: 1, firstAt: now } };
  if (previous.count >= guard.maxAttempts) return { allowed: false, state: previous };
  return { allowed: true, state: { count: previous.count + 1, firstAt: previous.firstAt } };
}
