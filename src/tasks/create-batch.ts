/**
 * Sends a round's creates through `concurrency` lanes with the database
 * work batched around them. Each lane waits for the rate limit, then has its
 * item marked `submitted` and sends the create at once: marks requested in
 * the same tick share one UPDATE, so the mark still precedes its call by no
 * more than a database round trip (reconciliation measures the list lag
 * from it). The ids the platform returns are recorded one statement per
 * chunk, and the record stamps `submittedAt` again with the time the
 * platform accepted the create.
 *
 * A crash between a create and the flush of its id loses nothing: the item
 * is `submitted` without an id and reconciliation finds the machine by its
 * marker. The cost is only that those items wait out the list lag. A
 * database that fails mid-round is the same case: the round ends with the
 * first error once every lane and flush has settled.
 */
import { Prisma } from '../generated/prisma/client.ts';
import type { ProviderInstance } from '../domain/instance.ts';
import { TASK_TAG, TEMPLATE_TAG } from '../domain/tags.ts';
import { placeholderInstance } from '../inventory/instance-records.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { ItemRow } from './observe.ts';
import { onCallError, type StepContext } from './steps.ts';

interface Created {
  item: ItemRow;
  instanceId: string | null;
  jobId: string | null;
}

/**
 * Coalesces the marks lanes ask for in one tick into a single UPDATE. The
 * mark is also a fence: it succeeds only if the item still has the attempt
 * count this worker read. Should a second worker ever run the same task (a
 * stalled worker whose job lock expired while it was still alive), only one
 * of them can mark an item, and only the one that marked it sends the create.
 */
function createMarker(deps: EngineDeps) {
  let waiting: { item: ItemRow; done: (ok: boolean, err?: unknown) => void }[] = [];
  const flushMarks = async () => {
    const batch = waiting;
    waiting = [];
    try {
      const expected = Prisma.join(batch.map((b) => Prisma.sql`(${b.item.id}::uuid, ${b.item.attempts}::int)`));
      const marked = await deps.prisma.$queryRaw<{ id: string }[]>`
        UPDATE "TaskItem" AS t
        SET "state" = 'submitted', "submittedAt" = ${new Date()}, "attempts" = t."attempts" + 1,
            "nextAttemptAt" = NULL, "updatedAt" = now()
        FROM (VALUES ${expected}) AS v(id, attempts)
        WHERE t."id" = v.id AND t."attempts" = v.attempts AND t."state" IN ('planned', 'submitted')
        RETURNING t."id"`;
      const ok = new Set(marked.map((m) => m.id));
      for (const b of batch) b.done(ok.has(b.item.id));
    } catch (err) {
      for (const b of batch) b.done(false, err);
    }
  };
  return (item: ItemRow) =>
    new Promise<boolean>((resolve, reject) => {
      if (waiting.length === 0) setImmediate(() => void flushMarks());
      waiting.push({ item, done: (ok, err) => (err ? reject(err) : resolve(ok)) });
    });
}

export async function sendCreates(
  deps: EngineDeps,
  ctx: StepContext,
  items: ItemRow[],
  halted: () => boolean,
): Promise<void> {
  const lanes = Math.max(1, Math.min(ctx.limit.concurrency, items.length));
  const tags = { ...ctx.spec.tags, [TEMPLATE_TAG]: ctx.templateId, [TASK_TAG]: ctx.taskId };
  const mark = createMarker(deps);
  let cursor = 0;
  let created: Created[] = [];
  const flushes: Promise<void>[] = [];
  const errors: unknown[] = [];

  function flush() {
    const batch = created;
    created = [];
    // Observed at once, so a failing flush is never an unhandled rejection while lanes still run.
    if (batch.length) flushes.push(record(deps, ctx, batch, tags).catch((err: unknown) => void errors.push(err)));
  }

  const lane = () =>
    deps.limits.lane(ctx.accountId, ctx.limit, async (gate) => {
      while (cursor < items.length) {
        await gate();
        if (halted()) return;
        const item = items[cursor++];
        if (!item) return;
        // Another worker owns this item now: leave it to that worker.
        if (!(await mark(item))) continue;
        try {
          const accepted = await ctx.provider.createInstance({ spec: ctx.spec, name: item.marker, tags });
          created.push({ item, ...accepted });
          if (created.length >= lanes) flush();
        } catch (err) {
          await onCallError(deps, ctx, { ...item, state: 'submitted' }, item.attempts + 1, err, 'create');
        }
      }
    });
  // Every lane and every flush is awaited to its end before the round reports a failure: a store
  // going away mid-round must fail the round cleanly (the job retries it from the item rows), never
  // leave a rejected flush unobserved or lanes running behind a round that already gave up.
  const settled = await Promise.allSettled(Array.from({ length: lanes }, lane));
  flush();
  await Promise.all(flushes);
  for (const r of settled) if (r.status === 'rejected') errors.unshift(r.reason);
  if (errors.length) throw errors[0];
}

/** Records a chunk of accepted creates: item ids in one UPDATE, machines in one upsert. */
async function record(deps: EngineDeps, ctx: StepContext, batch: Created[], tags: Record<string, string>) {
  const withId = batch.filter((c) => c.instanceId);
  const withJob = batch.filter((c) => !c.instanceId && c.jobId);
  if (withId.length) {
    // A platform may answer both the machine's id and a job to follow (StarVCenter): keep both.
    const rows = Prisma.join(withId.map((c) => Prisma.sql`(${c.item.id}::uuid, ${c.instanceId}, ${c.jobId}::text)`));
    await deps.prisma.$executeRaw`
      UPDATE "TaskItem" AS t SET "state" = 'waiting', "instanceId" = v.instance_id, "jobId" = v.job_id,
        "submittedAt" = ${new Date()}, "updatedAt" = now()
      FROM (VALUES ${rows}) AS v(id, instance_id, job_id)
      WHERE t."id" = v.id AND t."state" = 'submitted'`;
    const machines: ProviderInstance[] = withId.map((c) =>
      placeholderInstance(c.instanceId!, c.item.marker, ctx.spec, tags),
    );
    await deps.records.upsert(ctx.accountId, machines, { templateId: ctx.templateId, taskId: ctx.taskId });
  }
  // The job id is the item's witness of its create: recorded (with the time of the answer) in one statement.
  if (withJob.length) {
    const rows = Prisma.join(withJob.map((c) => Prisma.sql`(${c.item.id}::uuid, ${c.jobId})`));
    await deps.prisma.$executeRaw`
      UPDATE "TaskItem" AS t SET "jobId" = v.job_id, "submittedAt" = ${new Date()}, "updatedAt" = now()
      FROM (VALUES ${rows}) AS v(id, job_id)
      WHERE t."id" = v.id AND t."state" = 'submitted'`;
  }
  for (const c of batch) {
    ctx.events.push(
      c.instanceId
        ? { type: 'item.created', data: { seq: c.item.seq, providerId: c.instanceId } }
        : { type: 'item.submitted', data: { seq: c.item.seq, jobId: c.jobId } },
    );
  }
}
