/**
 * Sends a round's creates through `concurrency` lanes with the database
 * work batched around them: items are marked submitted a chunk at a time
 * just before their calls go out (still before any call, as reconciliation
 * requires), and the ids the platform returns are recorded in one
 * statement per chunk. A thousand creates cost a few dozen statements
 * instead of thousands of round trips.
 *
 * A crash between a create and the flush of its id loses nothing: the item
 * is `submitted` without an id and reconciliation finds the machine by its
 * marker. The cost is only that those items wait out the list lag.
 */
import { Prisma } from '../generated/prisma/client.ts';
import type { ProviderInstance } from '../domain/instance.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { ItemRow } from './observe.ts';
import { TASK_TAG, TEMPLATE_TAG } from '../domain/tags.ts';
import { placeholderInstance } from '../inventory/instance-records.ts';
import { onCallError, type StepContext } from './steps.ts';

interface Created {
  item: ItemRow;
  instanceId: string | null;
  jobId: string | null;
}

export async function sendCreates(
  deps: EngineDeps,
  ctx: StepContext,
  items: ItemRow[],
  halted: () => boolean,
): Promise<void> {
  const lanes = Math.max(1, Math.min(ctx.limit.concurrency, items.length));
  const tags = { ...ctx.spec.tags, [TEMPLATE_TAG]: ctx.templateId, [TASK_TAG]: ctx.taskId };
  let cursor = 0;
  const ready: ItemRow[] = [];
  let marking: Promise<void> | null = null;
  let created: Created[] = [];
  const flushes: Promise<void>[] = [];

  /** Marks the next chunk submitted (one statement) so its calls may go out. */
  async function markNext() {
    const chunk = items.slice(cursor, cursor + lanes);
    cursor += chunk.length;
    if (chunk.length === 0) return;
    await deps.prisma.taskItem.updateMany({
      where: { id: { in: chunk.map((i) => i.id) } },
      data: { state: 'submitted', submittedAt: new Date(), attempts: { increment: 1 }, nextAttemptAt: null },
    });
    ready.push(...chunk);
  }

  /** Keeps up to one chunk marked ahead, so lanes rarely wait for the database between calls. */
  function topUp() {
    if (marking || cursor >= items.length || ready.length >= lanes || halted()) return;
    marking = markNext().finally(() => {
      marking = null;
      topUp();
    });
  }

  async function take(): Promise<ItemRow | undefined> {
    for (;;) {
      if (halted()) return undefined;
      topUp();
      const next = ready.shift();
      if (next) {
        topUp();
        return next;
      }
      if (!marking) return undefined;
      await marking;
    }
  }

  function flush() {
    const batch = created;
    created = [];
    if (batch.length) flushes.push(record(deps, ctx, batch, tags));
  }

  const lane = () =>
    deps.limits.lane(ctx.accountId, ctx.limit, async (call) => {
      for (let item = await take(); item; item = await take()) {
        try {
          const accepted = await call(() => ctx.provider.createInstance({ spec: ctx.spec, name: item!.marker, tags }));
          created.push({ item, ...accepted });
          if (created.length >= lanes) flush();
        } catch (err) {
          await onCallError(deps, ctx, { ...item, state: 'submitted' }, item.attempts + 1, err, 'create');
        }
      }
    });
  await Promise.all(Array.from({ length: lanes }, lane));
  await marking;
  flush();
  await Promise.all(flushes);
  // Items marked but never sent (halted mid-round) go back to planned: no call went out for them.
  if (ready.length) {
    await deps.prisma.taskItem.updateMany({
      where: { id: { in: ready.map((i) => i.id) } },
      data: { state: 'planned', submittedAt: null, attempts: { decrement: 1 } },
    });
  }
}

/** Records a chunk of accepted creates: item ids in one UPDATE, machines in one upsert. */
async function record(deps: EngineDeps, ctx: StepContext, batch: Created[], tags: Record<string, string>) {
  const withId = batch.filter((c) => c.instanceId);
  const withJob = batch.filter((c) => !c.instanceId && c.jobId);
  if (withId.length) {
    const rows = Prisma.join(withId.map((c) => Prisma.sql`(${c.item.id}::uuid, ${c.instanceId})`));
    await deps.prisma.$executeRaw`
      UPDATE "TaskItem" AS t SET "state" = 'waiting', "instanceId" = v.instance_id, "updatedAt" = now()
      FROM (VALUES ${rows}) AS v(id, instance_id)
      WHERE t."id" = v.id AND t."state" = 'submitted'`;
    const machines: ProviderInstance[] = withId.map((c) =>
      placeholderInstance(c.instanceId!, c.item.marker, ctx.spec, tags),
    );
    await deps.records.upsert(ctx.accountId, machines, { templateId: ctx.templateId, taskId: ctx.taskId });
  }
  await Promise.all(
    withJob.map((c) => deps.prisma.taskItem.update({ where: { id: c.item.id }, data: { jobId: c.jobId } })),
  );
  for (const c of batch) {
    ctx.events.push(
      c.instanceId
        ? { type: 'item.created', data: { seq: c.item.seq, providerId: c.instanceId } }
        : { type: 'item.submitted', data: { seq: c.item.seq, jobId: c.jobId } },
    );
  }
}
