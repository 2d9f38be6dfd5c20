/**
 * The simulator's asynchronous jobs (A11): every operation that answers `startid` or
 * `jobstartid` starts one here. The document defines no way to query a job (D1), so a job is
 * visible on the wire only through the resource it changes (the VM's state, the disk list, a
 * backup's `enable`…); its task-log result code (Appendix 4) is kept for the control API.
 *
 * A job either watches a VM the instance store moves on its own (create: the VM's state is
 * the job's progress) or waits a delay and then applies its effect. Fault rules added through
 * the control API make the next matching jobs fail (the effect is undone, the VM ends in the
 * documented failed state) or hang (the job never ends and the VM keeps its transitional state).
 * Jobs settle when anything is read, like the engine's instances: nothing runs while idle.
 */
import { z } from 'zod';
import { type SimEngine, type SimJob, opMatches } from '../../sim/index.ts';
import { type FailureCode, TERMINAL_FAILURE_CODES, type TaskCode } from './simulator-status.ts';

export const JobFaultInput = z
  .object({
    outcome: z.enum(['fail', 'hang']),
    /** Operation name (`cloudvm.create`, `cloudvm.*`); default every async operation. */
    op: z.string().min(1).optional(),
    /** How many of the next matching jobs it applies to; default 1. */
    times: z.number().int().positive().optional(),
    /** Task-log code a failed job ends with; default "1" (failed). */
    code: z.enum(TERMINAL_FAILURE_CODES).optional(),
  })
  .strict();
export type JobFaultInput = z.infer<typeof JobFaultInput>;

interface JobFault extends JobFaultInput {
  id: string;
  left: number;
}

/** What the next job of an operation will do. */
export interface JobPlan {
  outcome: 'ok' | 'fail' | 'hang';
  failCode: FailureCode;
}

export interface StartJob {
  tenant: string;
  op: string;
  plan: JobPlan;
  vmId?: string;
  /** Timed job: ends this long after it starts (ignored when it hangs). */
  delayMs?: number;
  /** Watched job: its task code now, or null while it runs. */
  watch?: () => TaskCode | null;
  onDone?: () => void;
  onFail?: () => void;
}

interface JobRecord {
  startid: string;
  tenant: string;
  op: string;
  vmId: string | null;
  plan: JobPlan;
  code: TaskCode;
  startedAt: number;
  dueAt: number | null;
  endedAt: number | null;
  watch: (() => TaskCode | null) | undefined;
  onDone: (() => void) | undefined;
  onFail: (() => void) | undefined;
  sim: SimJob;
}

export interface JobView {
  startid: string;
  tenant: string;
  op: string;
  vmId: string | null;
  outcome: JobPlan['outcome'];
  taskCode: TaskCode;
  startedAt: number;
  endedAt: number | null;
}

export interface JobRunner {
  plan(op: string): JobPlan;
  start(input: StartJob): string;
  /** Applies every job that is due; route handlers call it before they read anything. */
  settle(): void;
  /** Ends the running jobs of a VM as cancelled (7), without their effects: the VM is being deleted. */
  cancelFor(vmId: string, except?: string): void;
  addFault(input: JobFaultInput): JobFault;
  faults(): JobFault[];
  clearFaults(): void;
  list(): JobView[];
  clear(): void;
}

// A11: task ids are numeric strings from one counter (the document's "task instance number").
const FIRST_STARTID = 100_001;

export function createJobRunner(engine: SimEngine): JobRunner {
  const jobs = new Map<string, JobRecord>();
  const running = new Set<JobRecord>();
  let faults: JobFault[] = [];
  let next = FIRST_STARTID;
  let nextFault = 1;

  const finish = (job: JobRecord, code: TaskCode, at: number): void => {
    job.code = code;
    job.endedAt = at;
    running.delete(job);
    job.sim.attrs.taskCode = code;
  };

  const settleOne = (job: JobRecord, now: number): void => {
    if (job.endedAt !== null) return;
    if (job.watch) {
      const code = job.watch();
      if (code !== null) finish(job, code, now);
      return;
    }
    if (job.dueAt === null || job.dueAt > now) return;
    if (job.plan.outcome === 'fail') {
      job.onFail?.();
      finish(job, job.plan.failCode, job.dueAt);
    } else {
      job.onDone?.();
      finish(job, '0', job.dueAt);
    }
  };

  const settle = (): void => {
    const now = engine.clock.now();
    // Due effects apply in the order they fell due, so an extend that followed an add sees the disk.
    const due = [...running].sort((a, b) => (a.dueAt ?? Infinity) - (b.dueAt ?? Infinity));
    for (const job of due) settleOne(job, now);
  };

  return {
    plan(op) {
      const rule = faults.find((r) => r.left > 0 && opMatches(r.op ?? '*', op));
      if (!rule) return { outcome: 'ok', failCode: '1' };
      rule.left--;
      return { outcome: rule.outcome, failCode: rule.code ?? '1' };
    },
    start(input) {
      const now = engine.clock.now();
      const startid = String(next++);
      const sim = engine.jobs.create({
        id: startid,
        tenant: input.tenant,
        kind: input.op,
        attrs: { vmId: input.vmId ?? null, taskCode: '2' },
        resolve: () => {
          settle();
          const job = jobs.get(startid);
          if (!job || job.endedAt === null) return null;
          return job.code === '0'
            ? { ok: true }
            : { ok: false, error: { code: job.code, message: `task ended with code ${job.code}` } };
        },
      });
      const job: JobRecord = {
        startid,
        tenant: input.tenant,
        op: input.op,
        vmId: input.vmId ?? null,
        plan: input.plan,
        code: '2',
        startedAt: now,
        dueAt: input.watch || input.plan.outcome === 'hang' ? null : now + (input.delayMs ?? 0),
        endedAt: null,
        watch: input.watch,
        onDone: input.onDone,
        onFail: input.onFail,
        sim,
      };
      jobs.set(startid, job);
      running.add(job);
      settleOne(job, now); // a zero delay ends at once
      return startid;
    },
    settle,
    cancelFor(vmId, except) {
      const now = engine.clock.now();
      for (const job of [...running]) if (job.vmId === vmId && job.startid !== except) finish(job, '7', now);
    },
    addFault(input) {
      const rule: JobFault = { ...input, id: `j${nextFault++}`, left: input.times ?? 1 };
      faults.push(rule);
      return { ...rule };
    },
    faults: () => faults.map((r) => ({ ...r })),
    clearFaults() {
      faults = [];
    },
    list() {
      settle();
      return [...jobs.values()].map((j) => ({
        startid: j.startid,
        tenant: j.tenant,
        op: j.op,
        vmId: j.vmId,
        outcome: j.plan.outcome,
        taskCode: j.code,
        startedAt: j.startedAt,
        endedAt: j.endedAt,
      }));
    },
    clear() {
      jobs.clear();
      running.clear();
      faults = [];
      next = FIRST_STARTID;
      nextFault = 1;
    },
  };
}
