/**
 * When each machine was on the broker's books, per provider, for the machine counts of ops 6
 * and 7 (A38): a machine counts from its create call until its delete completed. The engine
 * forgets deleted machines, so the ledger keeps their lifetimes; `sync` also picks up machines
 * seeded or removed through the control API.
 */
import type { SimInstance } from '../../sim/index.ts';

interface Lifetime {
  provider: string;
  from: number;
  until: number | null;
}

export interface CountLedger {
  open(instanceId: string, provider: string, at: number): void;
  /** The machine is gone from this time on (a delete's completion time). */
  close(instanceId: string, at: number): void;
  /** Adds live machines the ledger never saw and closes lifetimes of machines that vanished. */
  sync(live: SimInstance[], providerOf: (i: SimInstance) => string, now: number): void;
  /** Machines on the books at `at`, per provider (only providers with at least one). */
  countsAt(at: number): Map<string, number>;
}

export function createCountLedger(): CountLedger {
  const lifetimes = new Map<string, Lifetime>();
  return {
    open(instanceId, provider, at) {
      lifetimes.set(instanceId, { provider, from: at, until: null });
    },
    close(instanceId, at) {
      const l = lifetimes.get(instanceId);
      if (l && (l.until === null || l.until > at)) l.until = at;
    },
    sync(live, providerOf, now) {
      const ids = new Set<string>();
      for (const inst of live) {
        ids.add(inst.id);
        if (!lifetimes.has(inst.id))
          lifetimes.set(inst.id, { provider: providerOf(inst), from: inst.createdAt, until: null });
      }
      for (const [id, l] of lifetimes) if (l.until === null && !ids.has(id)) l.until = now;
    },
    countsAt(at) {
      const counts = new Map<string, number>();
      for (const l of lifetimes.values())
        if (l.from <= at && (l.until === null || l.until > at))
          counts.set(l.provider, (counts.get(l.provider) ?? 0) + 1);
      return counts;
    },
  };
}
