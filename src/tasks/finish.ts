/** Ending a task: final status and counts, events, and the template handed to the next task — one transaction. */
import type { ItemState, TaskKind } from '../domain/task.ts';
import type { EngineDeps } from './engine-deps.ts';
import { countItems, finalStatus, summary, type Counts } from './outcome.ts';
import { itemRows } from './item-rows.ts';
import { ensureJob, handOver, lockTemplate } from './scheduling.ts';
import { recordTaskEnd } from '../server/metrics.ts';

export async function itemCounts(deps: EngineDeps, taskId: string): Promise<Counts> {
  const groups = await deps.prisma.taskItem.groupBy({ by: ['state'], where: { taskId }, _count: { _all: true } });
  return countItems(
    Object.fromEntries(groups.map((g) => [g.state, g._count._all])) as Partial<Record<ItemState, number>>,
  );
}

/** Writes the current counts on the task row, for dashboards polling it. */
export async function saveProgress(deps: EngineDeps, taskId: string): Promise<Counts> {
  const c = await itemCounts(deps, taskId);
  // `requested` stays as asked: a shrink may find fewer machines than it was asked to remove.
  await deps.prisma.task.update({
    where: { id: taskId },
    data: { succeeded: c.succeeded, failed: c.failed, inProgress: c.inProgress },
  });
  return c;
}

export async function finishTask(
  deps: EngineDeps,
  task: { id: string; kind: TaskKind; templateId: string },
  how: { cancelRequested: boolean; deadlineExceeded: boolean; abort?: { code: string; message: string } },
): Promise<void> {
  const { prisma } = deps;
  const giveUp = how.deadlineExceeded
    ? { errorCode: 'deadline_exceeded', errorMessage: 'the task deadline passed while this machine was in progress' }
    : how.abort
      ? { errorCode: how.abort.code, errorMessage: how.abort.message }
      : null;
  if (giveUp) {
    // Items still moving are given up on; their machines, if any, stay recorded.
    await itemRows(prisma).giveUp(task.id, giveUp);
  }
  const asked = await prisma.task.findUniqueOrThrow({
    where: { id: task.id },
    select: { requested: true, startedAt: true, createdAt: true },
  });
  const items = await itemCounts(deps, task.id);
  // Fewer items than asked (a shrink that found fewer machines) is not a success.
  const counts = { ...items, requested: Math.max(items.requested, asked.requested) };
  const ending = {
    kind: task.kind,
    counts,
    cancelRequested: how.cancelRequested,
    deadlineExceeded: how.deadlineExceeded,
    aborted: how.abort !== undefined,
  };
  const status = finalStatus(ending);
  const firstError = await prisma.taskItem.findFirst({
    where: { taskId: task.id, state: 'failed' },
    orderBy: { seq: 'asc' },
    select: { errorCode: true, errorMessage: true },
  });
  const errorSummary = summary(
    ending,
    firstError ? { code: firstError.errorCode, message: firstError.errorMessage } : null,
    deps.settings.deadlineMs,
  );

  let endedHere = false;
  const next = await prisma.$transaction(async (tx) => {
    await lockTemplate(tx, task.templateId);
    const updated = await tx.task.updateMany({
      where: { id: task.id, status: { in: ['queued', 'running', 'cancelling'] } },
      data: {
        status,
        requested: counts.requested,
        succeeded: counts.succeeded,
        failed: counts.failed,
        inProgress: counts.inProgress,
        errorSummary,
        finishedAt: new Date(),
      },
    });
    if (updated.count === 0) return null; // someone else finished it
    endedHere = true;
    await deps.events.append(task.id, [{ type: 'task.finished', data: { status, ...counts, errorSummary } }], tx);
    return handOver(tx, task.templateId, task.id);
  });
  await deps.events.notify(task.id);
  if (endedHere && deps.metrics)
    recordTaskEnd(deps.metrics, task.kind, status, asked.startedAt ?? asked.createdAt, counts);
  deps.logger.info({ taskId: task.id, status, ...counts }, 'task finished');
  // The finished task is committed: a queue that cannot take the next job now is repaired by the sweeper.
  if (next)
    await ensureJob(deps.queue, next, deps.settings.retryDelayMs).catch((err: Error) =>
      deps.logger.warn({ taskId: next, err: err.message }, 'could not start the next task; the sweeper will'),
    );
}
