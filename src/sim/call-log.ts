/**
 * Counts platform calls per operation and keeps the most recent ones, so tests can assert
 * "no platform call was made" or "exactly 30 creates". Bounded: a benchmark's 10,000 calls
 * must not grow memory without limit.
 */
export interface CallRecord {
  op: string;
  at: number;
  method: string;
  url: string;
  /** Fault kind when one fired for this call. */
  fault: string | null;
  /** Platform fields worth finding a call by (a correlation id the caller sent); never secrets. */
  fields?: Record<string, string>;
}

export interface CallLog {
  record(call: CallRecord): void;
  counts(): Record<string, number>;
  count(op: string): number;
  recent(limit?: number): CallRecord[];
  reset(): void;
}

export function createCallLog(capacity = 2000): CallLog {
  const counts = new Map<string, number>();
  let ring: CallRecord[] = [];
  return {
    record(call) {
      counts.set(call.op, (counts.get(call.op) ?? 0) + 1);
      ring.push(call);
      if (ring.length > capacity * 2) ring = ring.slice(-capacity);
    },
    counts: () => Object.fromEntries(counts),
    count: (op) => counts.get(op) ?? 0,
    recent: (limit = 100) => ring.slice(-Math.min(limit, capacity)),
    reset() {
      counts.clear();
      ring = [];
    },
  };
}
