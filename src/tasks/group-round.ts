/**
 * One round of a task on a platform that scales its own groups (strategies
 * `native_group` and `platform_tasks`): instead of one create per machine,
 * one group expand for all the machines still wanted, and one group shrink
 * for all the machines to remove.
 *
 * Exactly once, across crashes and lost answers: a call is written (with
 * the group's membership at that moment) BEFORE it is sent, and its items
 * point at it. Machines that joined the group since the call's baseline,
 * and that no item of the task holds, belong to the call; they are given
 * to its items in order. A call whose answer never arrived is settled by
 * the membership: once the platform's list lag has passed with nothing new
 * in the group (and no job saying otherwise), it did not act and its items
 * are asked for again; anything new means it did, and it is never repeated.
 * The pure per-item steps (running → succeeded, gone → deleted) are the
 * same `decide.ts` as every other path.
 */
import type { ProviderInstance } from '../domain/instance.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { taskTag } from './markers.ts';
import { ProviderError } from '../providers/contract.ts';
import { decideCreate, decideDelete, type Step } from './decide.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { ItemRow } from './observe.ts';
import { itemRows } from './item-rows.ts';
import { applyBookkeepingBatch, retryDelay, type StepContext } from './steps.ts';

export interface GroupContext extends StepContext {
  groupId: string;
  maxAttempts: number;
}

/** Platforms cap a group call's size; larger asks go in several calls, one after another. */
const MAX_PER_CALL = 200;
/** Machines a round reads by id when the group does not list them (the rest wait for the next round). */
const READ_BY_ID_MAX = 25;
/** How much earlier than the call a platform's clock may stamp a machine the call made. */
const CLOCK_SKEW_MS = 60_000;

type CallRow = Awaited<ReturnType<EngineDeps['prisma']['taskCall']['findMany']>>[number];

const ids = (json: unknown): string[] =>
  Array.isArray(json) ? json.filter((x): x is string => typeof x === 'string') : [];

/** Whether a failed call may have reached the platform (then only the membership can tell). */
const mayHaveActed = (err: unknown) =>
  !(err instanceof ProviderError) || ((err.retryable || err.kind === 'malformed') && err.kind !== 'rate_limited');

/** Runs one round; true when it changed something (the caller looks again at once). */
export async function groupRound(
  deps: EngineDeps,
  ctx: GroupContext,
  items: (ItemRow & { callSeq: number | null })[],
  cancelling: boolean,
): Promise<boolean> {
  const { prisma } = deps;
  const members = await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.listGroupMembers(ctx.groupId));
  const byId = new Map(members.map((m) => [m.providerId, m]));
  const held = new Set(
    (
      await prisma.taskItem.findMany({
        where: { taskId: ctx.taskId, instanceId: { not: null } },
        select: { instanceId: true },
      })
    ).map((i) => i.instanceId!),
  );
  const open = await prisma.taskCall.findMany({
    where: { taskId: ctx.taskId, state: { in: ['sending', 'sent'] } },
    orderBy: { seq: 'asc' },
  });
  let changed = false;
  const now = Date.now();

  // 1. Settle the open expand calls: hand new members to their items, or conclude.
  for (const call of open.filter((c) => c.action === 'create')) {
    const waiting = items.filter((i) => i.callSeq === call.seq && !i.instanceId && i.state === 'submitted');
    const baseline = new Set(ids(call.baseline));
    const named = ids(call.instanceIds).filter((id) => !held.has(id));
    // A machine that launched well before the call cannot be its answer (another actor's, a replacement).
    const notBefore = call.sentAt.getTime() - CLOCK_SKEW_MS;
    const joined = members
      .filter((m) => !baseline.has(m.providerId) && !held.has(m.providerId) && !named.includes(m.providerId))
      .filter((m) => !m.launchedAt || m.launchedAt.getTime() >= notBefore)
      .sort(
        (a, b) =>
          (a.launchedAt?.getTime() ?? 0) - (b.launchedAt?.getTime() ?? 0) || (a.providerId < b.providerId ? -1 : 1),
      );
    const pool = [...named, ...joined.map((m) => m.providerId)];
    for (const item of waiting) {
      const id = pool.shift();
      if (!id) break;
      held.add(id);
      item.instanceId = id;
      item.state = 'waiting';
      // The list-lag clock restarts now: a machine the answer named may take that long to be listed.
      item.submittedAt = new Date();
      await itemRows(prisma).patch(item.id, {
        instanceId: id,
        state: 'waiting',
        submittedAt: item.submittedAt,
        errorCode: null,
        errorMessage: null,
      });
      ctx.events.push({ type: 'item.created', data: { seq: item.seq, providerId: id, call: call.seq } });
      changed = true;
    }
    const left = waiting.filter((i) => !i.instanceId);
    if (left.length === 0) {
      await prisma.taskCall.update({ where: { id: call.id }, data: { state: 'done' } });
      continue;
    }
    changed = (await concludeCall(deps, ctx, call, left, waiting.length > left.length, now)) || changed;
  }

  // 2. Items with a machine: the usual per-item decisions, on what the group lists. A machine an item
  //    holds that the group does not list is read by id first: lists lag, and "gone" must be proved.
  const unlisted = items
    .filter((i) => i.instanceId && !byId.has(i.instanceId) && i.state !== 'planned')
    .slice(0, READ_BY_ID_MAX)
    .map((i) => i.instanceId!);
  if (unlisted.length && ctx.provider.supports('instances.get')) {
    for (const id of unlisted) {
      const m = await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.getInstance(id));
      if (m) byId.set(id, m);
    }
  }
  const steps: { item: ItemRow; step: Step }[] = [];
  const deletes: ItemRow[] = [];
  for (const item of items) {
    if (item.action === 'create' && item.state === 'planned') continue;
    if (item.action === 'create' && !item.instanceId) continue;
    const machine = item.instanceId ? byId.get(item.instanceId) : undefined;
    const seen = { machine, now, listLagMs: ctx.listLagMs, maxAttempts: ctx.maxAttempts, cancelling };
    const step = item.action === 'create' ? decideCreate(item, seen) : decideDelete(item, seen);
    if (step.do === 'delete') {
      if (!item.nextAttemptAt || item.nextAttemptAt.getTime() <= now) deletes.push(item);
    } else if (step.do !== 'wait' && step.do !== 'create') steps.push({ item, step });
  }
  await applyBookkeepingBatch(deps, ctx, steps);
  await deps.records.record(
    ctx.accountId,
    items.flatMap((i) => (i.instanceId && byId.has(i.instanceId) ? [byId.get(i.instanceId)!] : [])),
    { templateId: ctx.templateId, taskId: ctx.taskId },
    false,
  );
  changed = changed || steps.length > 0;

  // 3. Machines still wanted: one expand call for them (none while another is open).
  const planned = items.filter(
    (i) => i.action === 'create' && i.state === 'planned' && (!i.nextAttemptAt || i.nextAttemptAt.getTime() <= now),
  );
  if (cancelling && planned.length) {
    await applyBookkeepingBatch(
      deps,
      ctx,
      planned.map((item) => ({ item, step: { do: 'cancel' } as Step })),
    );
    return true;
  }
  if (planned.length && !open.some((c) => c.action === 'create' && c.state !== 'done')) {
    await sendCall(deps, ctx, 'create', planned.slice(0, MAX_PER_CALL), members);
    changed = true;
  }
  // 4. Machines to remove: one shrink call for them.
  if (deletes.length) {
    await sendCall(deps, ctx, 'delete', deletes.slice(0, MAX_PER_CALL), members);
    changed = true;
  }
  return changed;
}

/** An expand call whose items are not all served yet: wait, fail them, or prove it never acted. */
async function concludeCall(
  deps: EngineDeps,
  ctx: GroupContext,
  call: CallRow,
  left: ItemRow[],
  actedForSome: boolean,
  now: number,
): Promise<boolean> {
  const since = now - (call.answeredAt ?? call.sentAt).getTime();
  // A platform job the platform no longer lists (it scrolled out of a task list) says nothing:
  // the membership decides then.
  const job =
    call.jobId && ctx.provider.supports('jobs.get')
      ? await deps.limits
          .run(ctx.accountId, ctx.limit, () => ctx.provider.getJob(call.jobId!))
          .catch((err: unknown) => {
            if (err instanceof ProviderError && err.kind === 'not_found') return undefined;
            throw err;
          })
      : undefined;
  if (job?.state === 'running' || since < ctx.listLagMs) return false;
  const fail = async (code: string, message: string) => {
    const steps = left.map((item) => ({ item, step: { do: 'fail', code, message } as Step }));
    // Items first, then the call: a crash between leaves an open call with no items waiting,
    // which the next round closes.
    await applyBookkeepingBatch(deps, ctx, steps);
    await deps.prisma.taskCall.update({
      where: { id: call.id },
      data: { state: 'done', errorCode: code, errorMessage: message },
    });
    return true;
  };
  if (job?.state === 'failed')
    return fail(job.providerCode ?? 'job_failed', job.providerMessage ?? 'the platform task failed');
  if (call.state === 'sending' && !actedForSome && !job) {
    // No answer, nothing joined the group within the list lag: the call never acted. Ask again.
    await itemRows(deps.prisma).patchMany(
      left.map((i) => i.id),
      { state: 'planned', callSeq: null, submittedAt: null },
      'submitted',
    );
    await deps.prisma.taskCall.update({ where: { id: call.id }, data: { state: 'lost' } });
    ctx.events.push({ type: 'group.call_lost', data: { call: call.seq, machines: left.length } });
    return true;
  }
  return fail('not_created', `the platform made ${call.count - left.length} of the ${call.count} machines asked for`);
}

class FenceLost extends Error {}

/** Writes a group call and its items' marks, then sends it. A crash after the write is settled by `concludeCall`. */
async function sendCall(
  deps: EngineDeps,
  ctx: GroupContext,
  action: 'create' | 'delete',
  batch: ItemRow[],
  members: ProviderInstance[],
) {
  const { prisma } = deps;
  const last = await prisma.taskCall.findFirst({
    where: { taskId: ctx.taskId },
    orderBy: { seq: 'desc' },
    select: { seq: true, state: true, action: true, requestId: true },
  });
  const seq = (last?.seq ?? 0) + 1;
  // A call proved not to have acted is asked again under its own request id: a platform that
  // finds its work by that id (a task name) then finds a late one instead of starting a second.
  const requestId =
    last && last.state === 'lost' && last.action === action ? last.requestId : `cp-${taskTag(ctx.taskId)}-${seq}`;
  let call: CallRow;
  try {
    call = await prisma.$transaction(async (tx) => {
      const made = await tx.taskCall.create({
        data: {
          taskId: ctx.taskId,
          seq,
          action,
          requestId,
          count: batch.length,
          baseline: members.map((m) => m.providerId),
        },
      });
      // The fence: only items still as this worker read them join the call. A second worker running
      // the same task (a lapsed job lock) finds them taken and sends nothing.
      const taken = await itemRows(tx).markForCall(batch, seq);
      if (taken < batch.length) throw new FenceLost();
      return made;
    });
  } catch (err) {
    if (err instanceof FenceLost || isUniqueViolation(err)) return;
    throw err;
  }
  try {
    const answer =
      action === 'create'
        ? await deps.limits.run(ctx.accountId, ctx.limit, () =>
            ctx.provider.expandGroup({ groupId: ctx.groupId, count: batch.length, requestId }),
          )
        : {
            instanceIds: [],
            ...(await deps.limits.run(ctx.accountId, ctx.limit, () =>
              ctx.provider.shrinkGroup({
                groupId: ctx.groupId,
                instanceIds: batch.map((i) => i.instanceId!),
                requestId,
              }),
            )),
          };
    await prisma.taskCall.update({
      where: { id: call.id },
      data: {
        state: action === 'create' ? 'sent' : 'done',
        instanceIds: answer.instanceIds,
        jobId: answer.jobId,
        answeredAt: new Date(),
      },
    });
    if (action === 'delete')
      await itemRows(prisma).patchMany(
        batch.map((i) => i.id),
        { state: 'waiting' },
        'submitted',
      );
    ctx.events.push({
      type: action === 'create' ? 'group.expand_sent' : 'group.shrink_sent',
      data: { call: seq, machines: batch.length, ...(answer.jobId ? { jobId: answer.jobId } : {}) },
    });
  } catch (err) {
    if (!(err instanceof ProviderError)) throw err;
    const fields = { errorCode: err.providerCode ?? err.kind, errorMessage: err.providerMessage ?? err.message };
    if (action === 'create' && mayHaveActed(err)) {
      // Maybe acted: the call stays open and the group's membership decides after the list lag.
      await prisma.taskCall.update({ where: { id: call.id }, data: { ...fields, sentAt: new Date() } });
      ctx.events.push({ type: 'item.retry', data: { call: seq, ...fields } });
      return;
    }

    const again = err.retryable || action === 'delete';
    const delay = retryDelay(batch[0]!.attempts + 1, err.retryAfterMs);
    for (const item of batch) {
      const tooMany = item.attempts + 1 >= ctx.maxAttempts;
      await itemRows(prisma).patch(
        item.id,
        again && !tooMany
          ? {
              ...fields,
              callSeq: null,
              nextAttemptAt: new Date(Date.now() + delay),
              ...(action === 'create' ? { state: 'planned' as const } : {}),
            }
          : { ...fields, state: 'failed' },
      );
    }
    await prisma.taskCall.update({
      where: { id: call.id },
      data: { state: err.retryable ? 'lost' : 'done', ...fields },
    });
    ctx.events.push({
      type: again ? 'item.retry' : 'item.failed',
      data: { call: seq, machines: batch.length, ...fields },
    });
  }
}
