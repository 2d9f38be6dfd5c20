/**
 * Retention: what the history does not need to keep forever is purged, in
 * the worker role, one replica per period (a lease), in small batches so a
 * purge never holds long locks nor one huge transaction:
 *   - idempotency records whose expiry passed (an expired record is never
 *     replayed; see server/idempotency.ts);
 *   - task events older than the retention, of tasks that are final (a task
 *     still queued or running keeps all its events, its SSE replay needs them);
 *   - audit entries older than the audit retention, when one is set.
 * Task rows and their items are never purged: they are the history.
 * See docs/history.md.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import { FINAL_TASK_STATUSES } from '../domain/task.ts';
import type { Leases } from '../db/leases.ts';
import type { Logger } from '../logger.ts';

export interface RetentionSettings {
  /** Task events of final tasks older than this are purged. */
  eventRetentionMs: number;
  /** Audit entries older than this are purged; 0 keeps them forever. */
  auditRetentionMs: number;
  /** Rows per DELETE statement. */
  batchSize?: number;
}

export interface PurgeCounts {
  idempotencyRecords: number;
  taskEvents: number;
  auditEntries: number;
  /** DELETE statements run (each at most one batch). */
  batches: number;
}

const BATCH = 1000;

/** Deletes in batches until a batch comes back short; returns rows and statements. */
async function inBatches(run: () => Promise<number>, size: number) {
  let rows = 0;
  let batches = 0;
  for (;;) {
    const n = await run();
    rows += n;
    batches++;
    if (n < size) return { rows, batches };
  }
}

/** One purge pass; safe to run anywhere at any time (every statement is idempotent). */
export async function purgeOnce(prisma: PrismaClient, s: RetentionSettings, now = new Date()): Promise<PurgeCounts> {
  const size = s.batchSize ?? BATCH;
  const final = [...FINAL_TASK_STATUSES];
  const eventsBefore = new Date(now.getTime() - s.eventRetentionMs);

  const idem = await inBatches(
    () => prisma.$executeRaw`
      DELETE FROM "IdempotencyRecord" WHERE "id" IN (
        SELECT "id" FROM "IdempotencyRecord" WHERE "expiresAt" < ${now} LIMIT ${size})`,
    size,
  );
  const events = await inBatches(
    () => prisma.$executeRaw`
      DELETE FROM "TaskEvent" WHERE "id" IN (
        SELECT e."id" FROM "TaskEvent" e JOIN "Task" t ON t."id" = e."taskId"
        WHERE e."at" < ${eventsBefore} AND t."status"::text = ANY(${final})
        LIMIT ${size})`,
    size,
  );
  const audit = s.auditRetentionMs
    ? await inBatches(
        () => prisma.$executeRaw`
          DELETE FROM "AuditEntry" WHERE "id" IN (
            SELECT "id" FROM "AuditEntry" WHERE "at" < ${new Date(now.getTime() - s.auditRetentionMs)} LIMIT ${size})`,
        size,
      )
    : { rows: 0, batches: 0 };
  return {
    idempotencyRecords: idem.rows,
    taskEvents: events.rows,
    auditEntries: audit.rows,
    batches: idem.batches + events.batches + audit.batches,
  };
}

/**
 * Purges every `everyMs` (and once at start), on one replica per period. Failures are logged and
 * retried next period; a store outage is left to the store health to report.
 */
export function startRetention(opts: {
  prisma: PrismaClient;
  leases: Leases;
  logger: Logger;
  everyMs: number;
  settings: RetentionSettings;
  isStoreOutage?(err: unknown): boolean;
}) {
  const log = opts.logger.child({ component: 'retention' });
  let running: Promise<void> | undefined;
  const run = () => {
    running ??= (async () => {
      // Slightly shorter than the period, so the next period's holder is not locked out by jitter.
      if (!(await opts.leases.take('retention', Math.max(1_000, opts.everyMs - 1_000)))) return;
      const counts = await purgeOnce(opts.prisma, opts.settings);
      if (counts.idempotencyRecords || counts.taskEvents || counts.auditEntries) log.info(counts, 'purged old history');
    })()
      .catch((err: unknown) => {
        if (!opts.isStoreOutage?.(err)) log.warn({ err: (err as Error).message }, 'retention purge failed');
      })
      .finally(() => (running = undefined));
  };
  const timer = setInterval(run, opts.everyMs);
  timer.unref();
  run();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
