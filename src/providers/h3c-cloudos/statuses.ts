/**
 * H3C CloudOS server status → unified status, as data. The document lists only `ACTIVE`
 * (its enumeration is cut off at L6528), so the table covers the upstream Nova set the
 * catalog gives (part 1 §6.2). Nova keeps `status` unchanged during most transitions and
 * says what is happening in `OS-EXT-STS:task_state` (A4): ACTIVE while powering off,
 * SHUTOFF while powering on, any status while deleting. Those task states override the
 * status row. An unknown value maps to `unknown`; nothing here throws.
 */
import type { InstanceStatus, StatusMap } from '../../domain/instance.ts';

const STATUS_TABLE = {
  ACTIVE: 'running',
  BUILD: 'pending',
  // Shown by the H3C gateway while a delete runs (with task_state `deleting`, which wins) and
  // by Nova for a record already deleted.
  DELETED: 'deleted',
  ERROR: 'error',
  HARD_REBOOT: 'rebooting',
  // Live migration: the guest keeps running.
  MIGRATING: 'running',
  // Setting the admin password on a running guest.
  PASSWORD: 'running',
  // Paused, suspended and shelved guests run no code until resumed: stopped, the raw value tells which.
  PAUSED: 'stopped',
  REBOOT: 'rebooting',
  // Reinstalling the image: not usable until it is ACTIVE again, as while building.
  REBUILD: 'pending',
  // Booted from a rescue image: powered on, though not on its own disk.
  RESCUE: 'running',
  // Cold resize and its revert power the guest off and bring it back by themselves.
  RESIZE: 'rebooting',
  REVERT_RESIZE: 'rebooting',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
  SHUTOFF: 'stopped',
  // Soft-deleted: gone for the user, reclaimable by an admin for a while.
  SOFT_DELETED: 'deleted',
  SUSPENDED: 'stopped',
  UNKNOWN: 'unknown',
  // Resized and running on the new flavor, waiting for a confirm the document does not have.
  VERIFY_RESIZE: 'running',
} as const satisfies Record<string, InstanceStatus>;

/** Task states that change what the status means (upstream nova/compute/task_states.py). */
const TASK_TABLE = {
  'powering-off': 'stopping',
  'powering-on': 'starting',
  suspending: 'stopping',
  resuming: 'starting',
  pausing: 'stopping',
  unpausing: 'starting',
  shelving: 'stopping',
  shelving_offloading: 'stopping',
  unshelving: 'starting',
  rebooting: 'rebooting',
  reboot_pending: 'rebooting',
  reboot_started: 'rebooting',
  rebooting_hard: 'rebooting',
  reboot_pending_hard: 'rebooting',
  reboot_started_hard: 'rebooting',
  deleting: 'deleting',
  'soft-deleting': 'deleting',
} as const satisfies Record<string, InstanceStatus>;

/** Every status the catalog lists; tests walk it. */
export const H3C_STATUSES = Object.keys(STATUS_TABLE) as (keyof typeof STATUS_TABLE)[];
export const H3C_TASK_STATES = Object.keys(TASK_TABLE) as (keyof typeof TASK_TABLE)[];

function row(table: Record<string, InstanceStatus>, key: string): InstanceStatus | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Maps a server's `status` (and `task_state`) to the unified status.
 * Overrides (per account) win: a key `STATUS/task_state` for one combination, then a plain
 * `STATUS` for the status whatever its task.
 */
export function toStatus(
  raw: string,
  taskState: string | null | undefined = null,
  overrides: StatusMap = {},
): { status: InstanceStatus; statusRaw: string } {
  const upper = raw.toUpperCase();
  const task = taskState || null;
  const status =
    (task !== null ? (row(overrides, `${raw}/${task}`) ?? row(overrides, `${upper}/${task}`)) : undefined) ??
    row(overrides, raw) ??
    row(overrides, upper) ??
    (task !== null ? row(TASK_TABLE, task) : undefined) ??
    row(STATUS_TABLE, upper) ??
    'unknown';
  return { status, statusRaw: raw };
}
