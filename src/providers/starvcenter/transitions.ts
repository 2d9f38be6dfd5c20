/**
 * Transitional statuses the platform never reports (A60, D37). `vm.state` jumps from 1 to 0
 * with nothing in between, and the lock code that would say "stopping" is in no answer, so
 * the adapter remembers the actions it sent and reads the state in their light:
 *
 *   start   → `starting` while the VM still reads 0 or 2;
 *   stop    → `stopping` while it still reads 1;
 *   reboot  → `rebooting` for `rebootWindowMs` (1 → 1: the platform shows nothing at all);
 *   delete  → `deleting` while the VM still exists.
 *
 * A remembered action ends as soon as the state moves past it, or after `timeoutMs`, so a
 * lost action never colours a machine for good. The memory is per adapter (per account in
 * one process): an action sent by another process is not seen here, and its machine shows
 * its raw state. Pure bookkeeping with an injected clock; no timers.
 */
import type { InstanceStatus } from '../../domain/instance.ts';

export type SentAction = 'start' | 'stop' | 'reboot' | 'delete';

export interface TransitionOptions {
  rebootWindowMs: number;
  timeoutMs: number;
  now?: () => number;
  /** Entries kept at most; the oldest go first. */
  capacity?: number;
}

export interface Transitions {
  sent(vmId: string, action: SentAction): void;
  /** The status to report instead of the table's, or undefined to use the table. */
  overlay(vmId: string, rawState: string): InstanceStatus | undefined;
  /** The VM is gone: nothing to remember. */
  forget(vmId: string): void;
  size(): number;
}

const RULES: Record<SentAction, { status: InstanceStatus; while: (raw: string) => boolean }> = {
  start: { status: 'starting', while: (raw) => raw === '0' || raw === '2' },
  stop: { status: 'stopping', while: (raw) => raw === '1' },
  // A restart may pass through 0 on some hosts; either way it is the reboot in progress.
  reboot: { status: 'rebooting', while: (raw) => raw === '1' || raw === '0' },
  delete: { status: 'deleting', while: () => true },
};

export function createTransitions(options: TransitionOptions): Transitions {
  const now = options.now ?? Date.now;
  const capacity = options.capacity ?? 10_000;
  const entries = new Map<string, { action: SentAction; at: number }>();

  const limitOf = (action: SentAction) =>
    action === 'reboot' ? Math.min(options.rebootWindowMs, options.timeoutMs) : options.timeoutMs;

  return {
    sent(vmId, action) {
      entries.delete(vmId);
      entries.set(vmId, { action, at: now() });
      // Map order is insertion order: the first keys are the oldest.
      for (const key of entries.keys()) {
        if (entries.size <= capacity) break;
        entries.delete(key);
      }
    },
    overlay(vmId, rawState) {
      const entry = entries.get(vmId);
      if (!entry) return undefined;
      const rule = RULES[entry.action];
      if (now() - entry.at >= limitOf(entry.action) || !rule.while(rawState)) {
        entries.delete(vmId);
        return undefined;
      }
      return rule.status;
    },
    forget(vmId) {
      entries.delete(vmId);
    },
    size: () => entries.size,
  };
}
