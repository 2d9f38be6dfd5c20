/**
 * The worker process: BullMQ workers consuming the shared queue, plus the
 * sweeper that restarts tasks whose job was lost.
 *
 * Shutdown (SIGTERM → close()): stop taking jobs; running task jobs notice
 * the stop signal between rounds and hand their job back to the queue
 * (another worker resumes it from the item rows); short jobs finish.
 * A worker killed with -9 stops renewing its job locks; after the lock
 * expires BullMQ moves the job back to waiting and another worker resumes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { DelayedError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { isUnreachable } from '../db/store-errors.ts';
import type { StoreHealth } from '../db/store-health.ts';
import type { Logger } from '../logger.ts';
import type { EngineDeps } from './engine-deps.ts';
import { JOB_DATA, QUEUE_NAME, type JobName } from './queue.ts';
import { startOrphanAudit } from './orphan-audit.ts';
import { runTask, WorkerStopping } from './run-task.ts';
import { startSweeper } from './sweeper.ts';
import type { Registry } from 'prom-client';
import { opsMetrics } from '../server/metrics.ts';

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
  /** How long a job's lock lasts without renewal: the time before a dead worker's task is resumed elsewhere. */
  lockDurationMs?: number;
  /** The scaling engine; without it the worker runs only the housekeeping jobs. */
  engine?: EngineDeps;
  sweepEveryMs?: number;
  /** Delay before a task job whose round failed (a store away) runs again. */
  retryDelayMs?: number;
  /** Store outages are logged once there, not once per failed job. */
  health?: StoreHealth;
  /** How often each account is audited for orphan machines; absent = no audit in this worker. */
  orphanAuditMs?: number;
  /** Where jobs in flight and stalls are counted; defaults to the engine's registry. */
  metrics?: Registry;
}

type Handler = (job: Job, token: string | undefined) => Promise<unknown>;

export function startWorker(opts: WorkerOptions) {
  const log = opts.logger.child({ component: 'worker' });
  const stopping = new AbortController();
  const lockDuration = opts.lockDurationMs ?? 30_000;

  const handlers: Record<JobName, Handler> = {
    async noop(job) {
      const data = JOB_DATA.noop.parse(job.data);
      if (data.delayMs > 0) await sleep(data.delayMs);
      return { echo: data.message, pid: process.pid };
    },
    async 'task.run'(job, token) {
      const { taskId } = JOB_DATA['task.run'].parse(job.data);
      if (!opts.engine) throw new Error('this worker was started without the scaling engine');
      try {
        await runTask(opts.engine, taskId, stopping.signal);
      } catch (err) {
        if (!(err instanceof WorkerStopping)) throw err;
        // Hand the job back at once: another worker (or this one, restarted) resumes from the item rows.
        await job.moveToDelayed(Date.now() + 10, token);
        throw new DelayedError();
      }
      return { taskId };
    },
  };

  const registry = opts.metrics ?? opts.engine?.metrics;
  const metrics = registry ? opsMetrics(registry) : undefined;
  metrics?.workerConcurrency.set(opts.concurrency);
  const worker = new Worker(
    QUEUE_NAME,
    async (job, token) => {
      const handler = handlers[job.name as JobName];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      metrics?.workerJobsActive.inc({ job: job.name });
      try {
        return await handler(job, token);
      } finally {
        metrics?.workerJobsActive.dec({ job: job.name });
      }
    },
    {
      connection: opts.connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency,
      lockDuration,
      stalledInterval: Math.max(1_000, Math.round(lockDuration / 2)),
      // A task survives any number of worker crashes; its deadline, not a stall count, bounds it.
      maxStalledCount: 1_000,
      autorun: true,
    },
  );
  worker.on('stalled', () => metrics?.queueStalled.inc());
  worker.on('failed', (job, err) => {
    if (opts.health?.report(err)) log.debug({ jobId: job?.id, err: err.message }, 'job round failed on a store outage');
    else log.warn({ jobId: job?.id, job: job?.name, err: err.message }, 'job failed');
  });
  worker.on('error', (err) => {
    // Most of the worker's errors are its Redis connections'; a job's own failure is 'failed'.
    if (opts.health && isUnreachable(err)) opts.health.connectionError('redis', err);
    // A job whose keys vanished (Redis restarted without its data): the sweeper gives the task a new one.
    else if (/Missing (key|lock) for job|could not renew lock/.test(err.message))
      log.warn({ err: err.message }, 'a job vanished from Redis; the sweeper re-adds it');
    else log.error({ err: err.message }, 'worker error');
  });

  const sweeper = opts.engine
    ? startSweeper({
        prisma: opts.engine.prisma,
        queue: opts.engine.queue,
        logger: log,
        everyMs: opts.sweepEveryMs ?? 10_000,
        retryDelayMs: opts.retryDelayMs ?? 2_000,
        ...(opts.health ? { health: opts.health } : {}),
      })
    : undefined;

  const audit =
    opts.engine && opts.orphanAuditMs
      ? startOrphanAudit(opts.engine, {
          everyMs: opts.orphanAuditMs,
          isStoreOutage: (err) => opts.health?.report(err) ?? false,
        })
      : undefined;

  return {
    worker,
    /** Stops taking jobs; task jobs are handed back, others finish; then connections close. */
    async close() {
      stopping.abort();
      await Promise.all([sweeper?.close(), audit?.close()]);
      await worker.close();
    },
  };
}

export type RunningWorker = ReturnType<typeof startWorker>;
