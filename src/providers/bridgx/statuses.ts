/**
 * BridgX status tables, as data (A50, A51). Machine statuses: the document attests `Deleted`
 * in an answer, `running` and `deleted` in a filter example and `初始化完成` ("initialization
 * complete") in its field table; the rest of the catalog's proposed set (Pending, Running,
 * Deleting, Error) completes the life cycle. Task statuses: the catalog's INIT/RUNNING/SUCCESS/
 * FAILED (only SUCCESS is attested) and the three phases the field table names in Chinese.
 * Lookups ignore case (the filter example is lowercase); unknown values never throw.
 */
import type { InstanceStatus, StatusMap } from '../../domain/instance.ts';
import type { TaskStatus } from '../../domain/task.ts';

const MACHINE_TABLE = {
  Pending: 'pending',
  Running: 'running',
  Deleting: 'deleting',
  Deleted: 'deleted',
  Error: 'error',
  // The field table's example status: a machine whose initialization finished is in service.
  初始化完成: 'running',
} as const satisfies Record<string, InstanceStatus>;

/** Every machine status of the catalog; tests walk it. */
export const BRIDGX_MACHINE_STATUS_VALUES = Object.keys(MACHINE_TABLE) as (keyof typeof MACHINE_TABLE)[];

const TASK_TABLE = {
  INIT: 'queued',
  RUNNING: 'running',
  SUCCESS: 'succeeded',
  FAILED: 'failed',
  // The field table's phases: waiting to run, running, finished (finished says nothing of failure).
  待执行: 'queued',
  执行中: 'running',
  执行完毕: 'succeeded',
} as const satisfies Record<string, TaskStatus>;

/** Every task status of the catalog; tests walk it. */
export const BRIDGX_TASK_STATUS_VALUES = Object.keys(TASK_TABLE) as (keyof typeof TASK_TABLE)[];

function lookup<V>(table: Record<string, V>, raw: string): V | undefined {
  if (Object.hasOwn(table, raw)) return table[raw];
  const lower = raw.toLowerCase();
  const key = Object.keys(table).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : table[key];
}

/** A machine's status; the account's overrides win, then the table, then `unknown`. */
export function toMachineStatus(raw: string, overrides: StatusMap = {}): { status: InstanceStatus; statusRaw: string } {
  const status = lookup(overrides, raw) ?? lookup<InstanceStatus>(MACHINE_TABLE, raw) ?? 'unknown';
  return { status, statusRaw: raw };
}

/**
 * A task's status. An unknown value reads as running while the task has no finish time and as
 * failed once it has one (catalog §5.1): a finished task the table cannot read did not succeed.
 */
export function toTaskStatus(raw: string, finished: boolean): TaskStatus {
  return lookup<TaskStatus>(TASK_TABLE, raw) ?? (finished ? 'failed' : 'running');
}

/** What a job follower needs: the platform has no queue state of its own to report. */
export function jobStateOf(status: TaskStatus): 'running' | 'succeeded' | 'failed' {
  if (status === 'succeeded') return 'succeeded';
  if (status === 'failed' || status === 'cancelled' || status === 'partially_succeeded') return 'failed';
  return 'running';
}
