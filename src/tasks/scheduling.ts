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

/** What ensureJob found and did: the sweeper reports tasks it cannot get going. */
export type EnsureResult =
  | { did: 'kept'; state: string }
  | { did: 'added' }
  | { did: 'replaced'; was: string }
  | { did: 'blocked'; state: string; reason: string };

/** Job states in which the job will still run (or runs now): nothing to repair. */
const LIVE_JOB_STATES = new Set(['active', 'waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * Makes sure the task has a live job. A job id is only deduplicated while
 * the old job is retained, so a finished or failed job of a task that is
 * not final is removed and added again. A job that cannot be removed (it is
 * locked by a worker that still holds it) is reported, not silently kept.
 */
export async function ensureJob(queue: TaskQueue, taskId: string, retryDelayMs = 2_000): Promise<EnsureResult> {
  const existing = await queue.queue.getJob(taskId);
  let was: string | undefined;
  if (existing) {
    const state = await existing.getState();
    if (LIVE_JOB_STATES.has(state)) return { did: 'kept', state };
    try {
      await existing.remove();
    } catch (err) {
      return { did: 'blocked', state, reason: `its ${state} job could not be removed: ${(err as Error).message}` };
    }
    was = state;
  }
  await queue.add(
    'task.run',
    { taskId },
    {
      jobId: taskId,
      removeOnComplete: true,
      removeOnFail: true,
      // A job that throws (a store down, a bug) is retried every few seconds; each run checks the
      // task deadline, so the deadline stays the real bound. After that the sweeper adds a new job.
      attempts: 1_000,
      backoff: { type: 'fixed', delay: retryDelayMs },
    },
  );
  return was === undefined ? { did: 'added' } : { did: 'replaced', was };
}

/** One task the sweeper acted on, and what it found. */
export interface Repair {
  taskId: string;
  result: EnsureResult;
}

/** Repairs lost enqueues and lost hand-overs. Safe to run from every process at once. */
export async function sweep(prisma: PrismaClient, queue: TaskQueue, retryDelayMs?: number): Promise<Repair[]> {
  const repairs: Repair[] = [];
  // Active tasks that are not final must have a live job.
  const active = await prisma.task.findMany({
    where: { status: { in: ['queued', 'running', 'cancelling'] }, template: { activeTaskId: { not: null } } },
    select: { id: true, template: { select: { activeTaskId: true } } },
  });
  for (const t of active) {
    if (t.template.activeTaskId !== t.id) continue;
    const result = await ensureJob(queue, t.id, retryDelayMs);
    if (result.did !== 'kept') repairs.push({ taskId: t.id, result });
  }
  // Templates left idle with tasks waiting, or held by a task that already finished.
  const stuck = await prisma.template.findMany({
    where: {
      OR: [
        { activeTaskId: null, tasks: { some: { status: 'queued' } } },
        { activeTask: { status: { in: ['succeeded', 'partially_succeeded', 'failed', 'cancelled'] } } },
      ],
    },
    select: { id: true },
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
    if (next) repairs.push({ taskId: next, result: await ensureJob(queue, next, retryDelayMs) });
  }
  return repairs;
}
