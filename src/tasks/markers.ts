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
