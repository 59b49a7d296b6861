import { DEFAULT_LOOP_GUARD, registerStepUpAttempt, type StepUpAttempts } from './loop-guard.js';

const NOW = 1_800_000_000;

describe('registerStepUpAttempt (SU-7 loop guard)', () => {
  it('allows the first attempt and one retry, then refuses within the window', () => {
    let state: StepUpAttempts | undefined;
    const outcomes: boolean[] = [];
    for (let i = 0; i < 4; i++) {
      const decision = registerStepUpAttempt(state, NOW + i * 10);
      outcomes.push(decision.allowed);
      state = decision.state;
    }
    expect(outcomes).toEqual([true, true, false, false]);
    expect(state).toEqual({ count: 2, firstAt: NOW });
  });

  it('starts over once the window has passed', () => {
    const full = { count: DEFAULT_LOOP_GUARD.maxAttempts, firstAt: NOW };
    expect(registerStepUpAttempt(full, NOW + DEFAULT_LOOP_GUARD.windowSeconds - 1).allowed).toBe(false);
    expect(registerStepUpAttempt(full, NOW + DEFAULT_LOOP_GUARD.windowSeconds)).toEqual({
      allowed: true,
      state: { count: 1, firstAt: NOW + DEFAULT_LOOP_GUARD.windowSeconds },
    });
  });

  it('does not extend the window when it refuses', () => {
    const full = { count: 2, firstAt: NOW };
    expect(registerStepUpAttempt(full, NOW + 100).state).toBe(full);
  });

  it('treats a record from the future as stale', () => {
    expect(registerStepUpAttempt({ count: 9, firstAt: NOW + 1000 }, NOW)).toEqual({
      allowed: true,
      state: { count: 1, firstAt: NOW },
    });
  });

  it('follows a configured limit', () => {
    const guard = { maxAttempts: 1, windowSeconds: 60 };
    const first = registerStepUpAttempt(undefined, NOW, guard);
    expect(first.allowed).toBe(true);
    expect(registerStepUpAttempt(first.state, NOW + 1, guard).allowed).toBe(false);
  });
});
