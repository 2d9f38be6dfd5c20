/**
 * Inspur ECS server status and task_state for the simulator (catalog §5.1–5.3): the engine's
 * neutral state → the platform's Nova-style status, the preconditions of each action, and a
 * forced raw status → the neutral state it behaves as. An independent reading of the catalog.
 */
import type { NeutralState, SimInstance } from '../../sim/index.ts';

/** Every status the document lists (lines 56–76). */
export const INSPUR_SERVER_STATUSES = [
  'ACTIVE',
  'BUILD',
  'DELETED',
  'ERROR',
  'HARD_REBOOT',
  'PASSWORD',
  'PAUSED',
  'REBOOT',
  'REBUILD',
  'RESIZE',
  'SHUTOFF',
  'SOFT_DELETED',
  'STOPPED',
] as const;
export type InspurServerStatus = (typeof INSPUR_SERVER_STATUSES)[number];

/** The documented task states (lines 78–84). */
export const INSPUR_TASK_STATES = ['powering-on', 'powering-off', 'deleting'] as const;
export type InspurTaskState = (typeof INSPUR_TASK_STATES)[number];

// How a status forced through the control API behaves for later actions.
const RAW_TO_NEUTRAL: Record<InspurServerStatus, NeutralState> = {
  ACTIVE: 'running',
  BUILD: 'creating',
  DELETED: 'deleting',
  ERROR: 'error',
  HARD_REBOOT: 'rebooting',
  PASSWORD: 'running',
  PAUSED: 'stopped',
  REBOOT: 'rebooting',
  REBUILD: 'creating',
  RESIZE: 'running',
  SHUTOFF: 'stopped',
  SOFT_DELETED: 'deleting',
  // A10: STOPPED is listed beside SHUTOFF and behaves like it.
  STOPPED: 'stopped',
};

export function isInspurStatus(raw: string): raw is InspurServerStatus {
  return (INSPUR_SERVER_STATUSES as readonly string[]).includes(raw);
}

/** Status is case-insensitive on the wire (line 58): `active` and `ACTIVE` are the same. */
export function neutralOfStatus(raw: string): NeutralState | undefined {
  const upper = raw.toUpperCase();
  return isInspurStatus(upper) ? RAW_TO_NEUTRAL[upper] : undefined;
}

/** A8: the status of a server, upper case (rendering picks the case). */
export function statusOf(inst: SimInstance): InspurServerStatus {
  const raw = inst.rawStatus?.toUpperCase();
  if (raw && isInspurStatus(raw)) return raw;
  switch (inst.state) {
    case 'creating':
      return 'BUILD';
    // Nova keeps the old status while a power task runs; task_state tells the transition.
    case 'running':
    case 'stopping':
    case 'deleting':
      return 'ACTIVE';
    case 'stopped':
    case 'starting':
      return 'SHUTOFF';
    case 'rebooting':
      return inst.attrs.rebootType === 'HARD' ? 'HARD_REBOOT' : 'REBOOT';
    case 'error':
      return 'ERROR';
  }
}

/** A9: only the documented task states; null when idle (and during reboots, whose status tells). */
export function taskStateOf(inst: SimInstance): InspurTaskState | null {
  if (inst.rawStatus) return null;
  switch (inst.state) {
    case 'starting':
      return 'powering-on';
    case 'stopping':
      return 'powering-off';
    case 'deleting':
      return 'deleting';
    default:
      return null;
  }
}

export type ServerAction = 'start' | 'stop' | 'soft_reboot' | 'hard_reboot' | 'console' | 'create_image';

// A11: the statuses each action starts from. A HARD reboot is the document's way out of the others (line 612).
const ALLOWED_FROM: Record<ServerAction, readonly InspurServerStatus[]> = {
  start: ['SHUTOFF', 'STOPPED'],
  stop: ['ACTIVE'],
  soft_reboot: ['ACTIVE'],
  hard_reboot: ['ACTIVE', 'SHUTOFF', 'STOPPED', 'PAUSED', 'ERROR', 'REBOOT'],
  console: ['ACTIVE'],
  create_image: ['ACTIVE', 'SHUTOFF', 'STOPPED'],
};

/** Whether the server may take the action now: the right status and no power task under way. */
export function allows(inst: SimInstance, action: ServerAction): boolean {
  return ALLOWED_FROM[action].includes(statusOf(inst)) && taskStateOf(inst) === null;
}

/** A21: the `unusual` search value: servers in an abnormal state. */
export function isAbnormal(inst: SimInstance): boolean {
  return statusOf(inst) === 'ERROR';
}
