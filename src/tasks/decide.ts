/**
 * The pure heart of the engine: given an item row and what the platform
 * reports now, pick the one next step. No I/O, so every branch is tested
 * directly, and after a crash at any instant the worker simply asks again
 * with fresh observations (reconcile, don't resume).
 */
import type { InstanceStatus, ProviderInstance } from '../domain/instance.ts';
import type { ItemState } from '../domain/task.ts';

export interface ItemView {
  action: 'create' | 'delete';
  state: ItemState;
  /** The platform id, once known. */
  instanceId: string | null;
  /** When the last create/delete was sent (written before the call). */
  submittedAt: Date | null;
  attempts: number;
}

export interface Observed {
  /** The machine as the platform lists it (by marker for creates, by id for deletes); undefined when absent. */
  machine: ProviderInstance | undefined;
  now: number;
  /** How long a new machine may be missing from lists after its create was accepted. */
  listLagMs: number;
  maxAttempts: number;
  cancelling: boolean;
}

export type Step =
  | { do: 'create' }
  | { do: 'delete' }
  | { do: 'adopt'; machine: ProviderInstance }
  | { do: 'succeed'; machine?: ProviderInstance }
  | { do: 'fail'; code: string; message: string }
  | { do: 'cancel' }
  | { do: 'rolled_back' }
  | { do: 'wait' };

const GONE: ReadonlySet<InstanceStatus> = new Set(['deleted']);
const isGone = (m: ProviderInstance | undefined) => !m || GONE.has(m.status);

function settled(machine: ProviderInstance): Step {
  if (machine.status === 'running') return { do: 'succeed', machine };
  if (machine.status === 'error')
    return { do: 'fail', code: machine.statusRaw, message: `the machine went to ${machine.statusRaw}` };
  if (machine.status === 'deleted' || machine.status === 'deleting') {
    return { do: 'fail', code: machine.statusRaw, message: 'the machine was deleted before it ran' };
  }
  return { do: 'wait' };
}

export function decideCreate(item: ItemView, seen: Observed): Step {
  const { machine } = seen;
  if (item.state === 'planned') {
    if (seen.cancelling) return { do: 'cancel' };
    // A create sent before a crash that we never recorded: the marker found it.
    if (machine) return { do: 'adopt', machine };
    return { do: 'create' };
  }
  if (item.state === 'submitted' || item.state === 'waiting') {
    if (machine) {
      if (!item.instanceId || item.instanceId !== machine.providerId) return { do: 'adopt', machine };
      return settled(machine);
    }
    // Absent from the list. A create may have gone out just now and lists lag: look again before concluding.
    const since = item.submittedAt ? seen.now - item.submittedAt.getTime() : Number.POSITIVE_INFINITY;
    if (since < seen.listLagMs) return { do: 'wait' };
    if (item.instanceId) return { do: 'fail', code: 'vanished', message: 'the machine disappeared from the platform' };
    // Not created after all (the call failed before the platform acted): send again, within bounds.
    if (seen.cancelling) return { do: 'cancel' };
    if (item.attempts >= seen.maxAttempts) {
      return { do: 'fail', code: 'not_created', message: `no machine appeared after ${item.attempts} create attempts` };
    }
    return { do: 'create' };
  }
  if (item.state === 'rolling_back') return decideRollback(item, seen);
  return { do: 'wait' };
}

/** Rolling back a machine this task created: delete it, then wait until the platform reports it gone. */
export function decideRollback(item: ItemView, seen: Observed): Step {
  if (isGone(seen.machine)) return { do: 'rolled_back' };
  if (!item.submittedAt || seen.machine?.status !== 'deleting') {
    // Resend after the lag: a delete the platform silently dropped must not stall the rollback.
    const since = item.submittedAt ? seen.now - item.submittedAt.getTime() : Number.POSITIVE_INFINITY;
    if (since >= seen.listLagMs) return { do: 'delete' };
  }
  return { do: 'wait' };
}

export function decideDelete(item: ItemView, seen: Observed): Step {
  if (item.state === 'planned') {
    if (seen.cancelling) return { do: 'cancel' };
    if (isGone(seen.machine)) return { do: 'succeed' };
    return { do: 'delete' };
  }
  if (item.state === 'submitted' || item.state === 'waiting') {
    if (isGone(seen.machine)) return { do: 'succeed' };
    const since = item.submittedAt ? seen.now - item.submittedAt.getTime() : Number.POSITIVE_INFINITY;
    if (seen.machine?.status === 'deleting' || since < seen.listLagMs) return { do: 'wait' };
    if (item.attempts >= seen.maxAttempts) {
      return {
        do: 'fail',
        code: 'not_deleted',
        message: `the machine was still there after ${item.attempts} delete attempts`,
      };
    }
    return { do: 'delete' };
  }
  return { do: 'wait' };
}
