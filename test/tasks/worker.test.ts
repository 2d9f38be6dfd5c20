import { QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { bullConnection } from '../../src/db/redis.ts';
import { createLogger } from '../../src/logger.ts';
import { createQueue, QUEUE_NAME, type TaskQueue } from '../../src/tasks/queue.ts';
import { startWorker } from '../../src/tasks/worker.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { spawnRole } from '../support/processes.ts';

let iso: Isolated;
let queue: TaskQueue;
let events: QueueEvents;
beforeAll(async () => {
  iso = await isolate();
  const connection = bullConnection(iso.config.redisUrl);
  queue = createQueue({ connection, prefix: iso.config.redisPrefix });
  events = new QueueEvents(QUEUE_NAME, { connection, prefix: iso.config.redisPrefix });
  await events.waitUntilReady();
});
afterAll(async () => {
  await events?.close();
  await queue?.close();
  await iso?.close();
});

describe('worker', () => {
  it('runs a job put on the queue and returns its result', async () => {
    const worker = startWorker({
      connection: bullConnection(iso.config.redisUrl),
      prefix: iso.config.redisPrefix,
      concurrency: 2,
      logger: createLogger('silent'),
    });
    try {
      const job = await queue.add('noop', { message: 'hello' });
      await expect(job.waitUntilFinished(events, 10_000)).resolves.toEqual({ echo: 'hello', pid: process.pid });
    } finally {
      await worker.close();
    }
  });

  it('finishes the job in flight when its process gets SIGTERM, then exits 0', async () => {
    const proc = spawnRole('worker', {
      DATABASE_URL: iso.config.databaseUrl,
      REDIS_URL: iso.config.redisUrl,
      CLOUDPLANE_REDIS_PREFIX: iso.config.redisPrefix,
      LOG_LEVEL: 'info',
    });
    // 1. the job starts in the child
    const job = await queue.add('noop', { message: 'slow', delayMs: 1_500 });
    await vi.waitFor(async () => expect(await job.isActive()).toBe(true), { timeout: 20_000, interval: 50 });
    // 2. the child is asked to stop while the job runs
    proc.child.kill('SIGTERM');
    // 3. the job completes in the child (not re-run elsewhere) and the child exits cleanly
    const result = (await job.waitUntilFinished(events, 15_000)) as { pid: number };
    expect(result.pid).toBe(proc.child.pid);
    expect(await proc.exited).toEqual({ code: 0, signal: null });
    expect(proc.output()).toContain('shutting down');
  });
});
