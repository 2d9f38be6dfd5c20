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
    const joined = members
      .filter((m) => !baseline.has(m.providerId) && !held.has(m.providerId) && !named.includes(m.providerId))
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
      await itemRows(prisma).patch(item.id, { instanceId: id, state: 'waiting', errorCode: null, errorMessage: null });
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

  // 2. Items with a machine: the usual per-item decisions, on what the group lists.
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
  await deps.records.upsert(
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
  const job =
    call.jobId && ctx.provider.supports('jobs.get')
      ? await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.getJob(call.jobId!))
      : undefined;
  if (job?.state === 'running' || since < ctx.listLagMs) return false;
  const fail = async (code: string, message: string) => {
    const steps = left.map((item) => ({ item, step: { do: 'fail', code, message } as Step }));
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
    await deps.prisma.taskCall.update({ where: { id: call.id }, data: { state: 'lost' } });
    await itemRows(deps.prisma).patchMany(
      left.map((i) => i.id),
      { state: 'planned', callSeq: null, submittedAt: null },
      'submitted',
    );
    ctx.events.push({ type: 'group.call_lost', data: { call: call.seq, machines: left.length } });
    return true;
  }
  return fail('not_created', `the platform made ${call.count - left.length} of the ${call.count} machines asked for`);
}

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
    select: { seq: true },
  });
  const seq = (last?.seq ?? 0) + 1;
  const requestId = `cp-${taskTag(ctx.taskId)}-${seq}`;
  const call = await prisma.$transaction(async (tx) => {
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
    const rows = itemRows(tx);
    for (const item of batch) {
      await rows.patch(item.id, {
        state: item.state === 'rolling_back' ? 'rolling_back' : 'submitted',
        callSeq: seq,
        attempts: { increment: 1 },
        submittedAt: new Date(),
        nextAttemptAt: null,
      });
    }
    return made;
  });
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
    await prisma.taskCall.update({
      where: { id: call.id },
      data: { state: err.retryable ? 'lost' : 'done', ...fields },
    });
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
    ctx.events.push({
      type: again ? 'item.retry' : 'item.failed',
      data: { call: seq, machines: batch.length, ...fields },
    });
  }
}
