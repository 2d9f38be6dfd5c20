/**
 * StarVCenter codes as the simulator shows them: `vm.state` (Appendix 1), the internal lock
 * code (Appendix 2, never on the wire, D23) and task-log result codes (Appendix 4, kept on the
 * simulator's jobs). An independent reading of the catalog §5.
 */
import type { NeutralState, SimInstance } from '../../sim/index.ts';

/** Every `vm.state` of Appendix 1 (L3924–3960). */
export const VM_STATES = ['0', '1', '2', '3', '4', '-1', '-2'] as const;
export type VmState = (typeof VM_STATES)[number];

/** Task-log result codes of Appendix 4 (L4054–4089). */
export const TASK_CODES = ['0', '1', '2', '3', '4', '5', '6', '7'] as const;
export type TaskCode = (typeof TASK_CODES)[number];
export const TERMINAL_FAILURE_CODES = ['1', '4', '5', '6'] as const;
export type FailureCode = (typeof TERMINAL_FAILURE_CODES)[number];

/** Lock codes of Appendix 2 the simulator sets (L3962–4025). */
export const LOCK = {
  none: 0,
  migratingHost: 1,
  migratingStorage: 2,
  creatingBackup: 3,
  restoringBackup: 4,
  creatingSnapshot: 5,
  restoringSnapshot: 6,
  starting: 7,
  stopping: 8,
  installing: 12,
  cloning: 13,
} as const;

const LOCK_TEXT: Record<number, string> = {
  1: 'migrating to another host',
  2: 'migrating to another storage',
  3: 'creating a backup',
  4: 'restoring a backup',
  5: 'creating a snapshot',
  6: 'restoring a snapshot',
  7: 'starting',
  8: 'stopping',
  9: 'exporting',
  10: 'importing',
  11: 'being cloned',
  12: 'installing',
  13: 'cloning',
  14: 'moving',
};

export function lockText(code: number): string {
  return LOCK_TEXT[code] ?? `locked (${code})`;
}

// How a forced raw state behaves for the engine's later actions (control API `status`).
const RAW_TO_NEUTRAL: Record<VmState, NeutralState> = {
  '0': 'stopped',
  '1': 'running',
  '2': 'stopped',
  '3': 'creating',
  '4': 'creating',
  '-1': 'error',
  '-2': 'error',
};

export function isVmState(raw: string): raw is VmState {
  return (VM_STATES as readonly string[]).includes(raw);
}

export function neutralOfVmState(raw: string): NeutralState | undefined {
  return isVmState(raw) ? RAW_TO_NEUTRAL[raw] : undefined;
}

/**
 * A12: Appendix 1 has no starting/stopping/deleting codes, so a VM keeps the code it had until
 * its job ends: 0 while starting, 1 while stopping or rebooting, its last code while deleting.
 */
export function vmStateOf(inst: SimInstance): VmState {
  if (inst.rawStatus && isVmState(inst.rawStatus)) return inst.rawStatus;
  switch (inst.state) {
    case 'creating':
      return inst.attrs.source === 'template' ? '4' : '3';
    case 'running':
    case 'stopping':
    case 'rebooting':
      return '1';
    case 'stopped':
    case 'starting':
      return '0';
    case 'deleting': {
      const before = inst.attrs.stateBeforeDelete;
      return typeof before === 'string' && isVmState(before) ? before : '0';
    }
    case 'error':
      return '-2';
  }
}

/** A17: the lock a VM holds now (0 = none): its transition's, or a job's (backup, snapshot). */
export function lockOf(inst: SimInstance): number {
  switch (inst.state) {
    case 'creating':
      return inst.pending ? (inst.attrs.source === 'template' ? LOCK.cloning : LOCK.installing) : stuckCreateLock(inst);
    case 'starting':
    case 'rebooting':
      return LOCK.starting;
    case 'stopping':
      return LOCK.stopping;
    default: {
      const lock = inst.attrs.lock;
      return typeof lock === 'number' ? lock : LOCK.none;
    }
  }
}

// A create whose job never ends keeps its install/clone lock; a control-forced 3/4 has none.
function stuckCreateLock(inst: SimInstance): number {
  if (inst.lastAction === 'force') return LOCK.none;
  return inst.attrs.source === 'template' ? LOCK.cloning : LOCK.installing;
}
