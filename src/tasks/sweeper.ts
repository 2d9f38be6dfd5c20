/**
 * The periodic repair of tasks that lost their job, run by every process
 * that can reach the queue (workers and API replicas alike), so recovery
 * never depends on one process: whichever comes up next repairs. It runs
 * at start, every `everyMs`, and at once when a store comes back.
 *
 * A task the sweeper keeps restarting that still does not start is logged
 * with what the sweeper saw (its status, the template's active task, the
 * job's state), never restarted silently forever.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { StoreHealth } from '../db/store-health.ts';
import type { Logger } from '../logger.ts';
import type { TaskQueue } from './queue.ts';
import { sweep, type Repair } from './scheduling.ts';

export interface SweeperOptions {
  prisma: PrismaClient;
  queue: TaskQueue;
  logger: Logger;
  everyMs: number;
  /** Delay before a job whose round failed (a store away) runs again. */
  retryDelayMs: number;
  health?: StoreHealth;
}

/** After this many repairs of one task that never started, each further one is logged as a warning. */
const RESTARTS_BEFORE_WARNING = 3;

export function startSweeper(opts: SweeperOptions) {
  const log = opts.logger.child({ component: 'sweeper' });
  const restarts = new Map<string, number>();
  let running: Promise<void> | undefined;
  let closed = false;

  async function explain(r: Repair, times: number) {
    const task = await opts.prisma.task.findUnique({
      where: { id: r.taskId },
      select: { status: true, startedAt: true, template: { select: { activeTaskId: true } } },
    });
    if (!task || task.startedAt) {
      restarts.delete(r.taskId);
      return;
    }
    log.warn(
      {
        taskId: r.taskId,
        restarts: times,
        status: task.status,
        activeTaskId: task.template.activeTaskId,
        job: r.result,
      },
      'task restarted by the sweeper has still not started',
    );
  }

  async function once() {
    const repairs = await sweep(opts.prisma, opts.queue, opts.retryDelayMs);
    const seen = new Set(repairs.map((r) => r.taskId));
    for (const id of restarts.keys()) if (!seen.has(id)) restarts.delete(id);
    for (const r of repairs) {
      const times = (restarts.get(r.taskId) ?? 0) + 1;
      restarts.set(r.taskId, times);
      if (r.result.did === 'blocked') log.warn({ taskId: r.taskId, job: r.result }, 'could not give a task a job');
      else if (times >= RESTARTS_BEFORE_WARNING) await explain(r, times);
    }
    if (repairs.length)
      log.info({ repaired: repairs.map((r) => ({ taskId: r.taskId, ...r.result })) }, 'sweeper repaired tasks');
  }

  const run = () => {
    if (closed) return;
    running ??= once()
      .catch((err: unknown) => {
        // An outage is logged once by the store health; anything else is worth a line each time.
        if (!opts.health?.report(err)) log.warn({ err: (err as Error).message }, 'sweep failed');
      })
      .finally(() => (running = undefined));
  };

  const timer = setInterval(run, opts.everyMs);
  timer.unref();
  opts.health?.onBack(run);
  run();

  return {
    /** Runs a sweep now (or joins the one running). */
    async now() {
      run();
      await running;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}

export type Sweeper = ReturnType<typeof startSweeper>;
