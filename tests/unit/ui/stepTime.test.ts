import { describe, expect, it } from 'vitest';
import { SLOW_CALL_MS, StepClock } from '../../../src/ui/stepTime';

describe("StepClock (the page's step-time readout)", () => {
  it('measures the wall time per step of a call, smoothed over calls', () => {
    const clock = new StepClock();
    expect(clock.describe(0)).toBe('—');
    clock.start(4, 1000);
    clock.finish(4, 3000); // 2 s for 4 steps
    expect(clock.msPerStep).toBe(500);
    expect(clock.describe(3000)).toBe('0.50 s per step on this adapter');
    clock.start(1, 3000);
    clock.finish(1, 4500); // 1.5 s: the estimate moves toward it, not onto it
    expect(clock.msPerStep!).toBeGreaterThan(500);
    expect(clock.msPerStep!).toBeLessThan(1500);
  });

  it('shows the progress of a call expected to take over a second, with its estimate', () => {
    const clock = new StepClock();
    clock.start(1, 0);
    clock.finish(1, 4000); // 4 s per step
    clock.start(1, 10_000);
    expect(clock.describe(10_500)).toMatch(
      /^step running: 0\.50 s of ~4\.00 s \(4\.00 s per step on this adapter\)$/,
    );
    // a fast adapter: no progress line for a call expected under the threshold
    const fast = new StepClock();
    fast.start(10, 0);
    fast.finish(10, 100);
    fast.start(10, 200);
    expect(fast.describe(250)).toBe('0.01 s per step on this adapter');
    // … unless the call turns out slow after all
    expect(fast.describe(200 + SLOW_CALL_MS + 1)).toMatch(/^10 steps running: 1\.00 s of ~0\.10 s/);
  });

  it('says when the first step has no estimate yet, and learns nothing from a call that made no step', () => {
    const clock = new StepClock();
    clock.start(1, 0);
    expect(clock.describe(500)).toBe('measuring…');
    expect(clock.describe(2500)).toMatch(/first step on this adapter, no estimate yet/);
    clock.finish(0, 3000); // abandoned before its step
    expect(clock.msPerStep).toBeNull();
    clock.start(2, 0);
    clock.cancel();
    expect(clock.describe(5000)).toBe('—');
    clock.start(1, 0);
    clock.finish(1, 700);
    clock.reset();
    expect(clock.msPerStep).toBeNull();
  });
});
