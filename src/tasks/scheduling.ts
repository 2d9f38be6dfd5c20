/**
 * One task at a time per template, and no task left without a job.
 *
 * A template's `activeTaskId` names the one task that may run. The API
 * claims it when it creates a task; the finishing task hands it to the
 * oldest queued one in the same transaction. Both lock the template row
 * first, so a task created while another finishes is never missed.
 * Only the active task has a BullMQ job (id = task id). A sweeper repairs
 * what a crash between a commit and a queue add can leave behind.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import type { TaskQueue } from './queue.ts';

type Tx = Prisma.TransactionClient;

/** Locks the template row for the rest of the transaction. */
export async function lockTemplate(tx: Tx, templateId: string) {
  await tx.$queryRaw`SELECT 1 FROM "Template" WHERE "id" = ${templateId}::uuid FOR UPDATE`;
}

/** Within a transaction holding the template lock: make the task active if nothing else is. */
export async function admit(tx: Tx, templateId: string, taskId: string): Promise<boolean> {
  const claimed = await tx.template.updateMany({
    where: { id: templateId, activeTaskId: null },
    data: { activeTaskId: taskId },
  });
  return claimed.count === 1;
}

/**
 * Within a transaction holding the template lock: release the template and
 * hand it to the oldest queued task, returned so its job can be added after commit.
 */
export async function handOver(tx: Tx, templateId: string, finishedTaskId: string): Promise<string | null> {
  const next = await tx.task.findFirst({
    where: { templateId, status: 'queued', id: { not: finishedTaskId } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true },
  });
  await tx.template.updateMany({
    where: { id: templateId, activeTaskId: finishedTaskId },
    data: { activeTaskId: next?.id ?? null },
  });
  return next?.id ?? null;
}

/**
 * Makes sure the task has a live job. A job id is only deduplicated while
 * the old job is retained, so a finished or failed job of a task that is
 * not final is removed and added again.
 */
export async function ensureJob(queue: TaskQueue, taskId: string): Promise<void> {
  const existing = await queue.queue.getJob(taskId);
  if (existing) {
    const state = await existing.getState();
    if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return;
    await existing.remove().catch(() => undefined);
  }
  await queue.add(
    'task.run',
    { taskId },
    {
      jobId: taskId,
      removeOnComplete: true,
      removeOnFail: true,
      // A job that throws (database down, a bug) is retried every few seconds; each run checks the
      // task deadline, so the deadline stays the real bound. After that the sweeper adds a new job.
      attempts: 1_000,
      backoff: { type: 'fixed', delay: 3_000 },
    },
  );
}

/** Repairs lost enqueues and lost hand-overs. Safe to run from every worker at once. */
export async function sweep(prisma: PrismaClient, queue: TaskQueue, logger: Logger): Promise<number> {
  let repaired = 0;
  // Active tasks that are not final must have a job.
  const active = await prisma.task.findMany({
    where: { status: { in: ['queued', 'running', 'cancelling'] }, template: { activeTaskId: { not: null } } },
    select: { id: true, templateId: true, template: { select: { activeTaskId: true } } },
  });
  for (const t of active) {
    if (t.template.activeTaskId !== t.id) continue;
    const job = await queue.queue.getJob(t.id);
    if (!job || ['completed', 'failed', 'unknown'].includes(await job.getState())) {
      await ensureJob(queue, t.id);
      repaired++;
    }
  }
  // Templates left idle with tasks waiting, or held by a task that already finished.
  const stuck = await prisma.template.findMany({
    where: {
      OR: [
        { activeTaskId: null, tasks: { some: { status: 'queued' } } },
        { activeTask: { status: { in: ['succeeded', 'partially_succeeded', 'failed', 'cancelled'] } } },
      ],
    },
    select: { id: true, activeTaskId: true },
  });
  for (const tpl of stuck) {
    const next = await prisma.$transaction(async (tx) => {
      await lockTemplate(tx, tpl.id);
      const current = await tx.template.findUnique({
        where: { id: tpl.id },
        select: { activeTaskId: true, activeTask: { select: { status: true } } },
      });
      if (
        current?.activeTaskId &&
        current.activeTask &&
        ['queued', 'running', 'cancelling'].includes(current.activeTask.status)
      )
        return null;
      if (current?.activeTaskId) return handOver(tx, tpl.id, current.activeTaskId);
      const oldest = await tx.task.findFirst({
        where: { templateId: tpl.id, status: 'queued' },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      });
      if (oldest && (await admit(tx, tpl.id, oldest.id))) return oldest.id;
      return null;
    });
    if (next) {
      await ensureJob(queue, next);
      repaired++;
    }
  }
  if (repaired) logger.info({ repaired }, 'sweeper restarted tasks without a job');
  return repaired;
}
