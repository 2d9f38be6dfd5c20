/**
 * Deterministic machine names for task items: `<prefix>-<task8>-<seq>`.
 * The name is the marker a restarted worker searches for, so it must be
 * unique per item, stable across retries and valid as a hostname.
 */
export function taskTag(taskId: string): string {
  return taskId.replace(/-/g, '').slice(0, 8);
}

export function markerPrefix(namePrefix: string, taskId: string): string {
  return `${namePrefix}-${taskTag(taskId)}-`;
}

export function markerName(namePrefix: string, taskId: string, seq: number): string {
  return `${markerPrefix(namePrefix, taskId)}${seq}`;
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
