/**
 * Asynchronous jobs with ids, for platforms that hand one back (StarVCenter `startid`,
 * BridgX task ids). A job finishes after a delay with a fixed outcome, or when its
 * `resolve` callback reports one (e.g. "all machines of this expand are running").
 * Like instances, jobs settle when read: no timers.
 */
import type { Clock } from './clock.ts';
import type { Random } from './random.ts';

export type JobStatus = 'running' | 'succeeded' | 'failed';

export type JobOutcome =
  { ok: true; result?: unknown } | { ok: false; error: { code: string; message: string }; result?: unknown };

export interface SimJob {
  id: string;
  tenant: string;
  kind: string;
  status: JobStatus;
  createdAt: number;
  finishedAt: number | null;
  result: unknown;
  error: { code: string; message: string } | null;
  /** Platform fields (progress text, target ids). */
  attrs: Record<string, unknown>;
}

export interface CreateJobInput {
  tenant: string;
  kind: string;
  id?: string;
  /** Finish after this delay with `outcome` (default: success). */
  delayMs?: number;
  outcome?: JobOutcome;
  /** Called on each read while running; a non-null answer finishes the job. */
  resolve?: (now: number) => JobOutcome | null;
  attrs?: Record<string, unknown>;
}

interface JobEntry {
  job: SimJob;
  at: number | null;
  outcome: JobOutcome;
  resolve: ((now: number) => JobOutcome | null) | undefined;
}

export interface JobStore {
  create(input: CreateJobInput): SimJob;
  get(id: string, tenant?: string): SimJob | undefined;
  list(tenant?: string): SimJob[];
  clear(): void;
}

export function createJobStore(deps: { clock: Clock; ids: Random }): JobStore {
  const entries = new Map<string, JobEntry>();

  const finish = (e: JobEntry, outcome: JobOutcome, at: number): void => {
    e.job.status = outcome.ok ? 'succeeded' : 'failed';
    e.job.finishedAt = at;
    e.job.result = outcome.result ?? null;
    e.job.error = outcome.ok ? null : outcome.error;
  };

  const settleJob = (e: JobEntry): SimJob => {
    if (e.job.status !== 'running') return e.job;
    const now = deps.clock.now();
    if (e.resolve) {
      const r = e.resolve(now);
      if (r) finish(e, r, now);
    } else if (e.at !== null && e.at <= now) {
      finish(e, e.outcome, e.at);
    }
    return e.job;
  };

  return {
    create(input) {
      const now = deps.clock.now();
      const job: SimJob = {
        id: input.id ?? deps.ids.uuid(),
        tenant: input.tenant,
        kind: input.kind,
        status: 'running',
        createdAt: now,
        finishedAt: null,
        result: null,
        error: null,
        attrs: { ...input.attrs },
      };
      const entry: JobEntry = {
        job,
        at: input.resolve ? null : now + (input.delayMs ?? 0),
        outcome: input.outcome ?? { ok: true },
        resolve: input.resolve,
      };
      entries.set(job.id, entry);
      return settleJob(entry);
    },
    get(id, tenant) {
      const e = entries.get(id);
      if (!e || (tenant !== undefined && e.job.tenant !== tenant)) return undefined;
      return settleJob(e);
    },
    list(tenant) {
      return [...entries.values()].filter((e) => tenant === undefined || e.job.tenant === tenant).map(settleJob);
    },
    clear() {
      entries.clear();
    },
  };
}
