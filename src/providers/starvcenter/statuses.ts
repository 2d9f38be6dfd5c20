/**
 * StarVCenter state codes as data (Appendix 1–4, L3924–L4089; catalog §5). Every value the
 * document lists has a row; a value it does not list maps to `unknown` and nothing throws.
 *
 * `vm.state` has no transitional values (D37): starting, stopping, rebooting and deleting are
 * derived by the adapter from the actions it sent (transitions.ts, A60), not from this table.
 */
import type { InstanceStatus, StatusMap } from '../../domain/instance.ts';
import type { JobState } from '../contract.ts';

/** Appendix 1: `vm.state` → unified status. */
const VM_STATE_TABLE = {
  '0': 'stopped',
  '1': 'running',
  // Suspended to memory: runs no guest code until started again; the raw value tells it apart.
  '2': 'stopped',
  // Installing the OS of a VM made from a model.
  '3': 'pending',
  // Cloning a VM made from a template.
  '4': 'pending',
  // HA is probing the host after a lost heartbeat: the VM may be up or down.
  '-1': 'unknown',
  // Creation failed; the record stays until deleted.
  '-2': 'error',
} as const satisfies Record<string, InstanceStatus>;

/** Every `vm.state` the document lists; tests walk it. */
export const VM_STATES = Object.keys(VM_STATE_TABLE) as (keyof typeof VM_STATE_TABLE)[];

/** Appendix 2: VM lock codes. No documented field carries them (D23); kept so operators can read a code. */
export const VM_LOCK_CODES = {
  '0': 'unlocked',
  '1': 'migrating across hosts',
  '2': 'migrating across storage',
  '3': 'creating a backup',
  '4': 'restoring a backup',
  '5': 'creating a snapshot',
  '6': 'restoring a snapshot',
  '7': 'starting',
  '8': 'stopping',
  '9': 'exporting',
  '10': 'importing',
  '11': 'being cloned',
  '12': 'installing',
  '13': 'cloning',
  '14': 'moving',
} as const satisfies Record<string, string>;

/** Appendix 3: `host.state` (#78), read out in the hosts.search operation. */
export const HOST_STATES = {
  '0': 'stopped',
  '1': 'running',
  '2': 'offline',
  '-1': 'fault_detection',
  '-2': 'ha_check',
} as const satisfies Record<string, string>;

/**
 * Appendix 4: task-log result codes → the job state a caller sees. No operation returns them
 * (D1); the table is here for a deployment whose task log becomes reachable.
 */
export const TASK_RESULTS = {
  '3': 'running', // queued
  '2': 'running', // executing
  '0': 'succeeded',
  '1': 'failed',
  '4': 'failed', // lost: the server stopped while it was queued
  '5': 'failed', // timed out
  '6': 'failed', // aborted: the outcome is unknown, read the resource
  '7': 'failed', // cancelled by a user
} as const satisfies Record<string, JobState['state']>;

function row<T extends string>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Maps a `vm.state` to the unified status, keeping the raw value. A per-account override
 * (statusMap) wins over the table.
 */
export function toStatus(
  raw: string | null | undefined,
  overrides: StatusMap = {},
): { status: InstanceStatus; statusRaw: string } {
  const statusRaw = (raw ?? '').trim();
  const status = row(overrides, statusRaw) ?? row<InstanceStatus>(VM_STATE_TABLE, statusRaw) ?? 'unknown';
  return { status, statusRaw };
}

export function hostStateName(raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  return row<string>(HOST_STATES, raw.trim()) ?? 'unknown';
}

export function taskResult(raw: string): JobState['state'] | undefined {
  return row<JobState['state']>(TASK_RESULTS, raw.trim());
}
