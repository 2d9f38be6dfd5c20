/** What a benchmark reads of its child processes from /proc (Linux). */
import { readFile } from 'node:fs/promises';

async function statusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return kib / 1024;
}

/** The peak resident set of a process (VmHWM), in MiB. */
export const peakRssMiB = (pid: number) => statusMiB(pid, 'VmHWM');

/** The resident set of a process now (VmRSS), in MiB. */
export const rssMiB = (pid: number) => statusMiB(pid, 'VmRSS');

/** User + system CPU seconds a process has used (fields 14 and 15 of /proc/<pid>/stat, in clock ticks). */
export async function cpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
