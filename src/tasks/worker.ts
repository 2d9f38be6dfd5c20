/**
 * The worker process: BullMQ workers consuming the shared queue. On SIGTERM
 * main.ts calls close(), which stops taking jobs and waits for the running
 * ones; a job cut short by kill -9 is picked up again as a stalled job.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from '../logger.ts';
import { JOB_DATA, QUEUE_NAME, type JobName } from './queue.ts';

export interface WorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  logger: Logger;
}

type Handler = (job: Job, logger: Logger) => Promise<unknown>;

const handlers: Record<JobName, Handler> = {
  async noop(job) {
    const data = JOB_DATA.noop.parse(job.data);
    if (data.delayMs > 0) await sleep(data.delayMs);
    return { echo: data.message, pid: process.pid };
  },
};

export function startWorker({ connection, prefix, concurrency, logger }: WorkerOptions) {
  const log = logger.child({ component: 'worker' });
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      const handler = handlers[job.name as JobName];
      if (!handler) throw new Error(`no handler for job ${job.name}`);
      return handler(job, log.child({ jobId: job.id, job: job.name }));
    },
    { connection, prefix, concurrency, autorun: true },
  );
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, job: job?.name, err: err.message }, 'job failed'));
  worker.on('error', (err) => log.error({ err: err.message }, 'worker error'));
  return {
    worker,
    /** Stops taking jobs and waits for running ones to finish. */
    close: () => worker.close(),
  };
}

export type RunningWorker = ReturnType<typeof startWorker>;
