/**
 * Sends a round's creates through `concurrency` lanes with the database
 * work batched around them. The lanes take their items from a feed that
 * reads the task's items a page ahead (item-pages.ts), so a round of 10,000
 * creates holds a page, not the task. Each lane waits for the rate limit, then has its
 * item marked `submitted` and sends the create at once: marks asked for while
 * one UPDATE is in flight share the next one, so the mark still precedes its
 * call by no more than two database round trips (reconciliation measures the
 * list lag from it). The ids the platform returns are recorded one statement per
 * chunk, and the record stamps `submittedAt` again with the time the
 * platform accepted the create. The chunk's events are written with it.
 *
 * A crash between a create and the flush of its id loses nothing: the item
 * is `submitted` without an id and reconciliation finds the machine by its
 * marker. The cost is only that those items wait out the list lag. A
 * database that fails mid-round is the same case: the round ends with the
 * first error once every lane and flush has settled.
 */
import { itemRows } from './item-rows.ts';
import type { ProviderInstance } from '../domain/instance.ts';
import { TASK_TAG, TEMPLATE_TAG } from '../domain/tags.ts';
import { placeholderInstance } from '../inventory/instance-records.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { Feed } from './item-pages.ts';
import type { ItemRow } from './observe.ts';
import { onCallError, type StepContext } from './steps.ts';

interface Created {
  item: ItemRow;
  instanceId: string | null;
  jobId: string | null;
}

/**
 * Coalesces the marks lanes ask for into few UPDATEs: one is in flight at a time, and the marks
 * asked for meanwhile go in the next, so at a high rate of calls the batches grow instead of the
 * statements (lanes wake one by one from the rate limit, rarely in the same tick). A mark still
 * precedes its call by at most two database round trips (reconciliation measures the list lag
 * from it). The mark is also a fence: it succeeds only if the item still has the attempt
 * count this worker read. Should a second worker ever run the same task (a
 * stalled worker whose job lock expired while it was still alive), only one
 * of them can mark an item, and only the one that marked it sends the create.
 */
function createMarker(deps: EngineDeps) {
  let waiting: { item: ItemRow; done: (ok: boolean, err?: unknown) => void }[] = [];
  let inFlight = false;
  const flushMarks = async () => {
    const batch = waiting;
    waiting = [];
    inFlight = true;
    try {
      const ok = await itemRows(deps.prisma).markSubmitted(batch.map((b) => b.item));
      for (const b of batch) b.done(ok.has(b.item.id));
    } catch (err) {
      for (const b of batch) b.done(false, err);
    } finally {
      inFlight = false;
      if (waiting.length) void flushMarks();
    }
  };
  return (item: ItemRow) =>
    new Promise<boolean>((resolve, reject) => {
      if (waiting.length === 0 && !inFlight) setImmediate(() => void flushMarks());
      waiting.push({ item, done: (ok, err) => (err ? reject(err) : resolve(ok)) });
    });
}

/** Sends creates for what the feed gives until it runs dry or `halted()`; returns how many were sent. */
export async function sendCreates(
  deps: EngineDeps,
  ctx: StepContext,
  feed: Feed,
  halted: () => boolean,
): Promise<number> {
  const ready = await feed.prime();
  if (ready === 0) return 0;
  const lanes = Math.max(1, Math.min(ctx.limit.concurrency, ready));
  let sent = 0;
  const tags = { ...ctx.spec.tags, [TEMPLATE_TAG]: ctx.templateId, [TASK_TAG]: ctx.taskId };
  const mark = createMarker(deps);
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
      for (;;) {
        if (halted()) return;
        const item = await feed.next();
        if (!item) return;
        await gate();
        // Stopped while waiting for the rate limit: the item stays as it is, for the next round.
        if (halted()) return;
        // Another worker owns this item now: leave it to that worker.
        if (!(await mark(item))) continue;
        sent++;
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
  return sent;
}

/** Records a chunk of accepted creates: item ids in one UPDATE, machines in one upsert. */
async function record(deps: EngineDeps, ctx: StepContext, batch: Created[], tags: Record<string, string>) {
  await itemRows(deps.prisma).recordAccepted(
    batch.map((c) => ({ id: c.item.id, instanceId: c.instanceId, jobId: c.jobId })),
  );
  const withId = batch.filter((c) => c.instanceId);
  if (withId.length) {
    const machines: ProviderInstance[] = withId.map((c) =>
      placeholderInstance(c.instanceId!, c.item.marker, ctx.spec, tags),
    );
    await deps.records.record(ctx.accountId, machines, { templateId: ctx.templateId, taskId: ctx.taskId });
  }
  await deps.events.append(
    ctx.taskId,
    batch.map((c) =>
      c.instanceId
        ? { type: 'item.created', data: { seq: c.item.seq, providerId: c.instanceId } }
        : { type: 'item.submitted', data: { seq: c.item.seq, jobId: c.jobId } },
    ),
  );
  await deps.events.notify(ctx.taskId);
}
