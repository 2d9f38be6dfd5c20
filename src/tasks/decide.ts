/**
 * The pure heart of the engine: given an item row and what the platform
 * reports now, pick the one next step. No I/O, so every branch is tested
 * directly, and after a crash at any instant the worker simply asks again
 * with fresh observations (reconcile, don't resume).
 */
import type { InstanceStatus, ProviderInstance } from '../domain/instance.ts';
import type { ItemState } from '../domain/task.ts';
import { machineFailure } from './outcome.ts';

export interface ItemView {
  action: 'create' | 'delete';
  state: ItemState;
  /** The platform id, once known. */
  instanceId: string | null;
  /** When the last create/delete was sent (written before the call). */
  submittedAt: Date | null;
  attempts: number;
}

/** What a platform job (a create answered with a job id) says, as far as the engine needs it. */
export interface JobView {
  state: 'running' | 'succeeded' | 'failed';
  providerCode?: string;
  providerMessage?: string;
}

export interface Observed {
  /** The machine as the platform lists it (by marker for creates, by id for deletes); undefined when absent. */
  machine: ProviderInstance | undefined;
  /** The item's platform job, when its create answered one and the machine is not seen yet. */
  job?: JobView;
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
  if (machine.status === 'error') return { do: 'fail', ...machineFailure(machine) };
  if (machine.status === 'deleted' || machine.status === 'deleting') {
    return { do: 'fail', code: machine.statusRaw, message: 'the machine was deleted before it ran' };
  }
  return { do: 'wait' };
}

export function decideCreate(item: ItemView, seen: Observed): Step {
  const { machine } = seen;
  const step = decideByJob(item, seen);
  if (step) return step;
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

/**
 * A create answered with a platform job, whose machine is not seen yet. The job is the better
 * witness than the list: running means wait; failed means the create failed (the platform's code);
 * succeeded means a machine exists, so the create is never sent again — once the list lag has
 * passed with the machine still unseen, the item fails as vanished instead.
 */
function decideByJob(item: ItemView, seen: Observed): Step | null {
  if (!seen.job || seen.machine || (item.state !== 'submitted' && item.state !== 'waiting')) return null;
  if (seen.job.state === 'running') return { do: 'wait' };
  if (seen.job.state === 'failed') {
    return {
      do: 'fail',
      code: seen.job.providerCode ?? 'job_failed',
      message: seen.job.providerMessage ?? 'the platform job failed',
    };
  }
  const since = item.submittedAt ? seen.now - item.submittedAt.getTime() : Number.POSITIVE_INFINITY;
  if (since < seen.listLagMs) return { do: 'wait' };
  return {
    do: 'fail',
    code: 'vanished',
    message: "the platform's job reported success but its machine cannot be found",
  };
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
