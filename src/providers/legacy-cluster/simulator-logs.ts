/**
 * The broker's log table, keyed by correlation id and instance (ops 28, 29; A34). Expand,
 * create, delete, start and registration write lines under the caller's X-CORRELATION-ID.
 */

export interface LogLine {
  Id: number;
  CorrelationId: string;
  InstanceId: string;
  Level: 'info' | 'error';
  Message: string;
  at: number;
}

export interface LogStore {
  write(line: Omit<LogLine, 'Id'>): void;
  forInstance(instanceId: string): LogLine[];
  forCorrelation(correlationId: string, instanceId: string): LogLine[];
  /** Whether any line names the instance (a machine the broker ever handled). */
  knows(instanceId: string): boolean;
}

export function createLogStore(): LogStore {
  const lines: LogLine[] = [];
  const byInstance = new Map<string, LogLine[]>();
  return {
    write(line) {
      const full = { ...line, Id: lines.length + 1 };
      lines.push(full);
      const list = byInstance.get(line.InstanceId) ?? [];
      list.push(full);
      byInstance.set(line.InstanceId, list);
    },
    forInstance: (instanceId) => [...(byInstance.get(instanceId) ?? [])],
    forCorrelation: (correlationId, instanceId) =>
      (byInstance.get(instanceId) ?? []).filter((l) => l.CorrelationId === correlationId),
    knows: (instanceId) => byInstance.has(instanceId),
  };
}
