/**
 * H3C CloudOS (Nova) server status strings for the simulator: neutral engine state -> status,
 * vm_state, power_state and task_state, and back from a forced raw status to the neutral
 * state it behaves as. An independent reading of the catalog (part 1 §6.1–6.2).
 */
import type { NeutralState, SimInstance } from '../../sim/index.ts';

/** Every status the catalog lists (documented ACTIVE plus the upstream Nova set, §6.2). */
export const H3C_SERVER_STATUSES = [
  'ACTIVE',
  'BUILD',
  'DELETED',
  'ERROR',
  'HARD_REBOOT',
  'MIGRATING',
  'PASSWORD',
  'PAUSED',
  'REBOOT',
  'REBUILD',
  'RESCUE',
  'RESIZE',
  'REVERT_RESIZE',
  'SHELVED',
  'SHELVED_OFFLOADED',
  'SHUTOFF',
  'SOFT_DELETED',
  'SUSPENDED',
  'UNKNOWN',
  'VERIFY_RESIZE',
] as const;
export type H3cServerStatus = (typeof H3C_SERVER_STATUSES)[number];

// How a forced raw status behaves for later actions (start/stop/reboot/delete) in the engine.
const RAW_TO_NEUTRAL: Record<H3cServerStatus, NeutralState> = {
  ACTIVE: 'running',
  BUILD: 'creating',
  DELETED: 'deleting',
  ERROR: 'error',
  HARD_REBOOT: 'rebooting',
  MIGRATING: 'running',
  PASSWORD: 'running',
  PAUSED: 'stopped',
  REBOOT: 'rebooting',
  REBUILD: 'creating',
  RESCUE: 'running',
  RESIZE: 'running',
  REVERT_RESIZE: 'running',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
  SHUTOFF: 'stopped',
  SOFT_DELETED: 'deleting',
  SUSPENDED: 'stopped',
  UNKNOWN: 'error',
  VERIFY_RESIZE: 'running',
};

const VM_STATE: Record<H3cServerStatus, string> = {
  ACTIVE: 'active',
  BUILD: 'building',
  DELETED: 'deleted',
  ERROR: 'error',
  HARD_REBOOT: 'active',
  MIGRATING: 'active',
  PASSWORD: 'active',
  PAUSED: 'paused',
  REBOOT: 'active',
  REBUILD: 'active',
  RESCUE: 'rescued',
  RESIZE: 'active',
  REVERT_RESIZE: 'resized',
  SHELVED: 'shelved',
  SHELVED_OFFLOADED: 'shelved_offloaded',
  SHUTOFF: 'stopped',
  SOFT_DELETED: 'soft-delete',
  SUSPENDED: 'suspended',
  UNKNOWN: 'error',
  VERIFY_RESIZE: 'resized',
};

// Documented power states: 1 running, 3 paused, 4 shut off, 7 suspended; 0 = no state (example).
const POWER_STATE: Partial<Record<H3cServerStatus, number>> = {
  BUILD: 0,
  DELETED: 0,
  ERROR: 0,
  UNKNOWN: 0,
  PAUSED: 3,
  SHUTOFF: 4,
  SHELVED: 4,
  SHELVED_OFFLOADED: 0,
  SOFT_DELETED: 0,
  SUSPENDED: 7,
};

export function isH3cStatus(raw: string): raw is H3cServerStatus {
  return (H3C_SERVER_STATUSES as readonly string[]).includes(raw);
}

export function neutralOfStatus(raw: string): NeutralState | undefined {
  return isH3cStatus(raw) ? RAW_TO_NEUTRAL[raw] : undefined;
}

// A4: Nova keeps ACTIVE while powering off and SHUTOFF while powering on; only task_state tells.
export function statusOf(inst: SimInstance): H3cServerStatus {
  if (inst.rawStatus && isH3cStatus(inst.rawStatus)) return inst.rawStatus;
  switch (inst.state) {
    case 'creating':
      return 'BUILD';
    case 'running':
    case 'stopping':
      return 'ACTIVE';
    case 'stopped':
    case 'starting':
      return 'SHUTOFF';
    case 'rebooting':
      return inst.attrs.rebootType === 'HARD' ? 'HARD_REBOOT' : 'REBOOT';
    case 'deleting':
      return 'DELETED';
    case 'error':
      return 'ERROR';
  }
}

export function vmStateOf(status: H3cServerStatus): string {
  return VM_STATE[status];
}

export function powerStateOf(status: H3cServerStatus): number {
  return POWER_STATE[status] ?? 1;
}

export function taskStateOf(inst: SimInstance): string | null {
  if (inst.rawStatus) return null;
  switch (inst.state) {
    case 'creating':
      return 'spawning';
    case 'stopping':
      return 'powering-off';
    case 'starting':
      return 'powering-on';
    case 'rebooting':
      return inst.attrs.rebootType === 'HARD' ? 'rebooting_hard' : 'rebooting';
    case 'deleting':
      return 'deleting';
    default:
      return null;
  }
}
