/**
 * Inspur ECS server status → unified status, as data (catalog §5.1, §5.2; seed lines 56–84).
 * Both tables are case-insensitive (the document says so; its examples are lowercase). The
 * platform is Nova underneath: `status` stays ACTIVE while powering off and SHUTOFF while
 * powering on, and `task_state` says what is happening, so a listed task state wins over the
 * status row (A47). A task state the document does not list (its example's `xxx`,
 * `image_snapshot` during createImage) leaves the status row to decide. Unknown values map
 * to `unknown`; nothing here throws.
 */
import type { InstanceStatus, StatusMap } from '../../domain/instance.ts';

const STATUS_TABLE = {
  ACTIVE: 'running',
  BUILD: 'pending',
  DELETED: 'deleted',
  ERROR: 'error',
  HARD_REBOOT: 'rebooting',
  // Resetting the password of a running guest: it keeps running.
  PASSWORD: 'running',
  // A paused guest runs no code until resumed: stopped, the raw value tells which.
  PAUSED: 'stopped',
  REBOOT: 'rebooting',
  // Reinstalling the OS: unusable until ACTIVE again, as while building.
  REBUILD: 'pending',
  // A flavor change powers the guest off and brings it back by itself.
  RESIZE: 'rebooting',
  SHUTOFF: 'stopped',
  // Soft-deleted: gone for the user, reclaimable by an admin for a while.
  SOFT_DELETED: 'deleted',
  // Listed beside SHUTOFF with no operation producing it: the same powered-off state (A47).
  STOPPED: 'stopped',
} as const satisfies Record<string, InstanceStatus>;

const TASK_TABLE = {
  'powering-on': 'starting',
  'powering-off': 'stopping',
  deleting: 'deleting',
} as const satisfies Record<string, InstanceStatus>;

/** Every status the catalog lists; tests walk it. */
export const INSPUR_STATUSES = Object.keys(STATUS_TABLE) as (keyof typeof STATUS_TABLE)[];
export const INSPUR_TASK_STATES = Object.keys(TASK_TABLE) as (keyof typeof TASK_TABLE)[];

function row(table: Record<string, InstanceStatus>, key: string): InstanceStatus | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/**
 * Maps a server's `status` and `task_state` to the unified status; `statusRaw` is the status
 * as sent. Per-account overrides win, matched case-insensitively: `STATUS/task_state` for one
 * combination, then `STATUS` whatever the task.
 */
export function toStatus(
  raw: string,
  taskState: string | null | undefined = null,
  overrides: StatusMap = {},
): { status: InstanceStatus; statusRaw: string } {
  const upper = raw.trim().toUpperCase();
  const task = taskState?.trim().toLowerCase() || null;
  const over: Record<string, InstanceStatus> = {};
  for (const [k, v] of Object.entries(overrides)) {
    const [s, t] = k.split('/', 2);
    over[t === undefined ? (s ?? '').toUpperCase() : `${(s ?? '').toUpperCase()}/${t.toLowerCase()}`] = v;
  }
  const status =
    (task !== null ? row(over, `${upper}/${task}`) : undefined) ??
    row(over, upper) ??
    (task !== null ? row(TASK_TABLE, task) : undefined) ??
    row(STATUS_TABLE, upper) ??
    'unknown';
  return { status, statusRaw: raw };
}
