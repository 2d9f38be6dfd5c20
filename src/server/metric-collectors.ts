/**
 * Gauges read from the stores when Prometheus scrapes, not kept in memory:
 * tasks by kind and status (one GROUP BY on the task table), the age of the
 * oldest open task, the queue's jobs by state (BullMQ's counts), and how far
 * behind each account's inventory is. Every replica reports the same
 * values, so dashboards take `max` across instances, never `sum`.
 *
 * A store that is away must not fail the scrape (the process's own metrics
 * still matter most then): each source has a deadline, and a source that
 * could not be read reports `cloudplane_metrics_source_up{source} 0` and
 * drops its series until it answers again.
 */
import { Gauge, type Registry } from 'prom-client';
import { FINAL_TASK_STATUSES, TaskKind, TaskStatus } from '../domain/task.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';

export interface CollectorSources {
  prisma: PrismaClient;
  /** The shared BullMQ queue (src/tasks/queue.ts). */
  queue: { queue: { getJobCounts(): Promise<Record<string, number>> } };
}

/** A scrape usually comes every 15 s with a 10 s timeout; one source may take a fraction of it. */
const SOURCE_DEADLINE_MS = 2_000;
const OPEN_STATUSES = TaskStatus.options.filter((s) => !FINAL_TASK_STATUSES.includes(s));

function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const registered = new WeakSet<Registry>();

/** Registers the store-backed gauges once per registry. */
export function registerStoreCollectors(registry: Registry, sources: CollectorSources): void {
  if (registered.has(registry)) return;
  registered.add(registry);
  // One read of every source per scrape, shared by all the gauges below (the registry collects
  // them together), so `cloudplane_metrics_source_up` always describes this scrape's reads.
  let round: Promise<void> | undefined;
  const collect = () => (round ??= readAll().finally(() => (round = undefined)));
  const registers = [registry];

  const up = new Gauge({
    name: 'cloudplane_metrics_source_up',
    help: 'Whether the last scrape could read this source (postgres: tasks and accounts; redis: the queue)',
    labelNames: ['source'] as const,
    registers,
    collect,
  });
  const tasks = new Gauge({
    name: 'cloudplane_tasks',
    help: 'Tasks by kind and status, as stored in PostgreSQL (read at scrape time)',
    labelNames: ['kind', 'status'] as const,
    registers,
    collect,
  });
  const oldest = new Gauge({
    name: 'cloudplane_task_oldest_open_age_seconds',
    help: 'Age of the oldest task in each open status (queued, running, cancelling); 0 when there is none',
    labelNames: ['status'] as const,
    registers,
    collect,
  });
  const queue = new Gauge({
    name: 'cloudplane_queue_jobs',
    help: 'Jobs in the shared task queue by state (BullMQ counts, read at scrape time)',
    labelNames: ['state'] as const,
    registers,
    collect,
  });
  const lag = new Gauge({
    name: 'cloudplane_inventory_refresh_lag_seconds',
    help: "Seconds since each account's machines were last read from its platform (since its creation when never)",
    labelNames: ['account_id', 'account', 'provider'] as const,
    registers,
    collect,
  });

  /** Runs one source's reads; on failure its gauges keep no stale values. */
  async function read(source: 'postgres' | 'redis', gauges: Gauge[], fill: () => Promise<void>) {
    try {
      await withDeadline(fill(), SOURCE_DEADLINE_MS);
      up.set({ source }, 1);
    } catch {
      for (const g of gauges) g.reset();
      up.set({ source }, 0);
    }
  }

  async function readTasks() {
    const groups = await sources.prisma.task.groupBy({
      by: ['kind', 'status'],
      _count: { _all: true },
      _min: { createdAt: true },
    });
    tasks.reset();
    oldest.reset();
    // Every pair is present, at 0 when empty, so a panel never shows "no data" for a quiet status.
    for (const kind of TaskKind.options) for (const status of TaskStatus.options) tasks.set({ kind, status }, 0);
    const now = Date.now();
    const oldestOpen = new Map<string, number>(OPEN_STATUSES.map((st) => [st, now]));
    for (const g of groups) {
      tasks.set({ kind: g.kind, status: g.status }, g._count._all);
      const since = g._min.createdAt?.getTime();
      const known = oldestOpen.get(g.status);
      if (since !== undefined && known !== undefined) oldestOpen.set(g.status, Math.min(known, since));
    }
    for (const [status, since] of oldestOpen) oldest.set({ status }, Math.max(0, now - since) / 1000);
  }

  async function readQueue() {
    const counts = await sources.queue.queue.getJobCounts();
    queue.reset();
    for (const [state, n] of Object.entries(counts)) queue.set({ state }, n);
  }

  async function readLag() {
    const accounts = await sources.prisma.account.findMany({
      where: { deletedAt: null },
      select: { id: true, name: true, provider: true, lastSyncedAt: true, createdAt: true },
    });
    lag.reset();
    const now = Date.now();
    for (const a of accounts) {
      const since = (a.lastSyncedAt ?? a.createdAt).getTime();
      lag.set({ account_id: a.id, account: a.name, provider: a.provider }, Math.max(0, now - since) / 1000);
    }
  }

  async function readAll() {
    await Promise.all([
      read('postgres', [tasks, oldest, lag], async () => {
        await Promise.all([readTasks(), readLag()]);
      }),
      read('redis', [queue], readQueue),
    ]);
  }
}
