/**
 * Time source for simulated state. State transitions are computed from `now()` when a
 * record is read (lazy), so a manual clock lets tests jump a boot delay without sleeping.
 * Per-call latency is real wall time regardless: it exists to load the client, not the model.
 */
export interface Clock {
  now(): number;
}

export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(ms: number): void;
  readonly manual: true;
}

export const systemClock: Clock = { now: () => Date.now() };

export function createManualClock(startMs = Date.UTC(2024, 0, 1)): ManualClock {
  let t = startMs;
  return {
    manual: true,
    now: () => t,
    advance: (ms) => {
      if (ms < 0) throw new Error('a clock does not go backwards');
      t += ms;
    },
    set: (ms) => {
      t = ms;
    },
  };
}

export function isManualClock(clock: Clock): clock is ManualClock {
  return (clock as Partial<ManualClock>).manual === true;
}
