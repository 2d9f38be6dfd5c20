/**
 * A task's counts and final status, always recomputed from its item rows
 * (never incremented), so a crash between two writes cannot skew them.
 */
import type { ProviderInstance } from '../domain/instance.ts';
import type { ItemState, TaskKind, TaskStatus } from '../domain/task.ts';

/**
 * An item's error when its machine reached error: the platform's own fault code and text when it
 * gives them (already cleaned by the adapter), else the raw status it reported. The one wording of
 * it, for the decision and for an adopted machine alike.
 */
export function machineFailure(m: Pick<ProviderInstance, 'statusRaw' | 'fault'>): { code: string; message: string } {
  if (!m.fault) return { code: m.statusRaw, message: `the machine went to ${m.statusRaw}` };
  return { code: m.fault.code ?? m.statusRaw, message: `the machine went to ${m.statusRaw}: ${m.fault.message}` };
}

export const ACTIVE_ITEM_STATES: readonly ItemState[] = ['planned', 'submitted', 'waiting', 'rolling_back'];

export interface Counts {
  requested: number;
  succeeded: number;
  failed: number;
  inProgress: number;
  cancelled: number;
  rolledBack: number;
}

export function countItems(byState: Partial<Record<ItemState, number>>): Counts {
  const n = (s: ItemState) => byState[s] ?? 0;
  const all = Object.values(byState).reduce((a, b) => a + (b ?? 0), 0);
  return {
    requested: all,
    succeeded: n('succeeded'),
    failed: n('failed'),
    inProgress: n('planned') + n('submitted') + n('waiting') + n('rolling_back'),
    cancelled: n('cancelled'),
    rolledBack: n('rolled_back'),
  };
}

export interface Ending {
  kind: TaskKind;
  counts: Counts;
  cancelRequested: boolean;
  deadlineExceeded: boolean;
  /** The platform refused to let the task go on (e.g. credentials revoked). */
  aborted?: boolean;
}

export function finalStatus(e: Ending): TaskStatus {
  if (e.deadlineExceeded || e.aborted) return 'failed';
  if (e.cancelRequested) return 'cancelled';
  // Anything rolled back means the task failed and undid itself.
  if (e.counts.rolledBack > 0) return 'failed';
  if (e.counts.failed === 0 && e.counts.succeeded === e.counts.requested) return 'succeeded';
  if (e.counts.succeeded === 0) return 'failed';
  return 'partially_succeeded';
}

export function summary(
  e: Ending,
  firstError: { code: string | null; message: string | null } | null,
  deadlineMs: number,
): string | null {
  const c = e.counts;
  const first = firstError ? ` First error: ${firstError.code ?? 'error'}: ${firstError.message ?? ''}`.trimEnd() : '';
  if (e.deadlineExceeded) {
    return `The task did not finish within its deadline of ${Math.round(deadlineMs / 1000)} s; ${c.inProgress} machine(s) were still in progress.${first}`;
  }
  if (e.aborted) {
    return `The platform stopped the task: it refused to report the task's machines.${first} ${c.succeeded} machine(s) had succeeded.`;
  }
  const planned = c.succeeded + c.failed + c.cancelled + c.rolledBack + c.inProgress;
  if (planned < c.requested) {
    return `Only ${planned} of the ${c.requested} machine(s) asked for were there to remove.${first}`;
  }
  if (c.failed === 0 && c.rolledBack === 0) return null;
  const verb = e.kind === 'expand' ? 'created' : 'deleted';
  const rolled = c.rolledBack > 0 ? ` Rolled back ${c.rolledBack} machine(s) this task had created.` : '';
  return `${c.failed} of ${c.requested} machine(s) could not be ${verb}.${rolled}${first}`;
}
