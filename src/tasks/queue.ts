/**
 * The one BullMQ queue the API and workers share. Job names are the
 * contract between them; each name has a zod schema for its data.
 */
import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { z } from 'zod';

export const QUEUE_NAME = 'cloudplane';

export const JOB_DATA = {
  /** A do-nothing job that proves the API → Redis → worker path; optional delay exercises shutdown. */
  noop: z.object({
    message: z.string().max(200).default('ping'),
    delayMs: z.number().int().min(0).max(60_000).default(0),
  }),
  /** Runs (or resumes) one expand/shrink task; the job id is the task id. */
  'task.run': z.object({ taskId: z.uuid() }),
} as const;

export type JobName = keyof typeof JOB_DATA;
export type JobData<N extends JobName> = z.input<(typeof JOB_DATA)[N]>;

export interface QueueOptions {
  connection: ConnectionOptions;
  prefix: string;
}

export function createQueue({ connection, prefix }: QueueOptions) {
  const queue = new Queue(QUEUE_NAME, {
    connection,
    prefix,
    defaultJobOptions: { removeOnComplete: { age: 3_600, count: 10_000 }, removeOnFail: { age: 86_400 } },
  });
  return {
    queue,
    add<N extends JobName>(name: N, data: JobData<N>, options: JobsOptions = {}) {
      return queue.add(name, JOB_DATA[name].parse(data), options);
    },
    /** Throws unless the queue's own Redis connection is up (a POST enqueues through it). */
    async ready() {
      const client = await queue.getBackend().client;
      if (client.status !== 'ready') throw new Error(`the queue's Redis connection is ${client.status}`);
    },
    close: () => queue.close(),
  };
}

export type TaskQueue = ReturnType<typeof createQueue>;
