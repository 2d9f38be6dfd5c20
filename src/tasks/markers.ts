/**
 * Deterministic machine names for task items: `<prefix>-<task8>-<seq>`,
 * the seq zero-padded to the digits of the task's item count
 * (`web-1a2b3c4d-00042` in a task of 10,000). The name is the marker a
 * restarted worker searches for, so it must be unique per item, stable
 * across retries and valid as a hostname.
 *
 * The padding makes every prefix of the seq a contiguous, aligned range of
 * items (`…-012` is items 1200–1299), so a round lists only the machines of
 * the items it is looking at (see list-cover.ts). Tasks planned before the
 * padding have unpadded markers; the engine recognises them and lists their
 * whole prefix, as it always did.
 */
export function taskTag(taskId: string): string {
  return taskId.replace(/-/g, '').slice(0, 8);
}

export function markerPrefix(namePrefix: string, taskId: string): string {
  return `${namePrefix}-${taskTag(taskId)}-`;
}

/** Digits of a task's seqs: the width every marker's seq is padded to. */
export function seqWidth(count: number): number {
  return String(Math.max(1, count)).length;
}

export function markerName(namePrefix: string, taskId: string, seq: number, width = 1): string {
  return `${markerPrefix(namePrefix, taskId)}${String(seq).padStart(width, '0')}`;
}

/**
 * The marker of a single create (POST /v1/instances), `<prefix>-<8 hex>`: the machine's name,
 * recorded with the request's Idempotency-Key before the create is sent, so a retry under that
 * key looks for this name instead of creating again. A clash of the 32 random bits with an older
 * machine is harmless: reconciliation only takes a machine no record knew before the send.
 */
export function singleCreateMarker(namePrefix: string, random: string, maxLength: number): string {
  return `${namePrefix}-${random.replace(/[^0-9a-f]/gi, '').slice(0, 8)}`.slice(0, maxLength);
}
