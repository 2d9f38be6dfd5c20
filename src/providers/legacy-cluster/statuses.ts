/**
 * The broker's machine `Status` → unified status, as data (A47). The document defines no enum:
 * it shows only 1, 3 and 7 (catalog §6.1), so this default table is a reading, and every account
 * may replace any row with `options.statusMap` (keys are the integer as a decimal string).
 *
 * The reading: the three values are one progression. 7 is the only value the document ties to
 * a machine in service — op 26 "lists running machines" and its one item has 7, and op 11's
 * example reports 7. A registered physical machine (op 9 example) has 3: it already exists and
 * is powered, but the broker registered it moments before and has not brought it to 7. The
 * value op 12's example writes, 1, is the lowest observed and sits on an Aliyun machine whose
 * address is already assigned (op 27), which a cloud does at create time, before boot ends. So
 * 1 = created and still coming up, 3 = up and being brought into service, 7 = in service.
 * 0 is Go's zero value: a row written before any backend said anything. No value is known for
 * stopped, error or deleted machines; anything not in the table is `unknown`, never an error.
 */
import type { InstanceStatus, StatusMap } from '../../domain/instance.ts';

const STATUS_TABLE = {
  0: 'pending',
  1: 'pending',
  3: 'starting',
  7: 'running',
} as const satisfies Record<number, InstanceStatus>;

/** The values the catalog lists (§6.1: observed 1, 3, 7), which tests walk. */
export const CATALOGUED_STATUSES = [1, 3, 7] as const;
/** Every row of the default table. */
export const TABLE_STATUSES = Object.keys(STATUS_TABLE).map(Number);

function row(table: Record<string, InstanceStatus>, key: string): InstanceStatus | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Maps an integer `Status`; an account override for the same value wins over the table. */
export function toStatus(raw: number, overrides: StatusMap = {}): { status: InstanceStatus; statusRaw: string } {
  const key = String(raw);
  const status = row(overrides, key) ?? row(STATUS_TABLE as Record<string, InstanceStatus>, key) ?? 'unknown';
  return { status, statusRaw: key };
}
