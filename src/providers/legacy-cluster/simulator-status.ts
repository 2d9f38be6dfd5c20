/**
 * The integer machine `Status` of the legacy cluster simulator (A6–A8). The document defines
 * no enum; it shows 1 (an Aliyun machine with a public IP, and the value set in the
 * update-status example), 3 (a registered physical machine) and 7 (an AWS machine in the
 * "running machines" list and the status example).
 *
 * Reading chosen: the value is a bit set, as a Go service writing `Status |= …` would keep it:
 * 1 = the machine exists at its backend, 2 = it is powered on, 4 = the broker initialised it
 * (ran its post-create script). 1, 3 and 7 are then "created, off", "on" and "on and
 * initialised" — one rule for all three observations, and it explains why a physical machine
 * (never initialised by the broker) sits at 3 while a cloud machine reaches 7. Aliyun leaves a
 * new instance stopped until StartInstance, which is why a start operation exists at all.
 * States outside the observed bits use values no bit combination gives: 0 = nothing at the
 * backend yet, 8 = failed, 16 = being deleted.
 */
import type { NeutralState, SimInstance } from '../../sim/index.ts';

export const STATUS = { pending: 0, created: 1, poweredOn: 3, ready: 7, failed: 8, deleting: 16 } as const;

/** Every value the simulator reports or understands, with the engine state it behaves as (5: initialised, then powered off). */
export const LEGACY_STATUS_STATES: Readonly<Record<number, NeutralState>> = {
  0: 'creating',
  1: 'stopped',
  3: 'running',
  5: 'stopped',
  7: 'running',
  8: 'error',
  16: 'deleting',
};

/** What a status value means for the unified model, for a demo account's `statusMap`. */
export const LEGACY_STATUS_MEANING = {
  '0': 'pending',
  '1': 'stopped',
  '3': 'running',
  '5': 'stopped',
  '7': 'running',
  '8': 'error',
  '16': 'deleting',
} as const;

export function neutralOfStatus(raw: string): NeutralState | undefined {
  if (!/^-?\d+$/.test(raw)) return undefined;
  return LEGACY_STATUS_STATES[Number(raw)];
}

/** A7: a running physical machine reports 3 (the broker never initialises it), a cloud one 7. */
export function statusOf(inst: SimInstance): number {
  if (inst.rawStatus !== null && /^-?\d+$/.test(inst.rawStatus) && rawStillStands(inst)) return Number(inst.rawStatus);
  const physical = inst.attrs.Provider === 'phydev';
  switch (inst.state) {
    case 'creating':
      return STATUS.pending;
    case 'running':
      return physical ? STATUS.poweredOn : STATUS.ready;
    // Powered on but not yet initialised by the broker.
    case 'starting':
    case 'rebooting':
      return STATUS.poweredOn;
    case 'stopping':
    case 'stopped':
      return STATUS.created;
    case 'deleting':
      return STATUS.deleting;
    case 'error':
      return STATUS.failed;
  }
}

/** A value written by op 12 stands while the machine stays in the state it was written in (A8). */
function rawStillStands(inst: SimInstance): boolean {
  const set = inst.attrs.statusSet as { value: string; state: string } | undefined;
  return !set || set.value !== inst.rawStatus || set.state === inst.state;
}
