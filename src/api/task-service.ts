/**
 * Tasks as the API serves them: reads (list, get, items, events) here;
 * admission (expand, shrink, cancel) in the engine's own room,
 * src/tasks/admission.ts, so its rules live in one place.
 */
import type { Prisma, Task as TaskRow } from '../generated/prisma/client.ts';
import { notFound } from '../domain/errors.ts';
import type { Principal } from '../domain/scopes.ts';
import type { ExpandRequest, ShrinkRequest, Task, TaskKind, TaskStatus } from '../domain/task.ts';
import { FINAL_TASK_STATUSES } from '../domain/task.ts';
import { toInstanceView } from '../inventory/instance-records.ts';
import { createAdmission } from '../tasks/admission.ts';
import { columnList, readRows } from '../db/client.ts';
import { keyset, toPage } from './pagination.ts';

/** Every column of the task row, named (see columnList). */
const TASK_COLUMNS = [
  'id',
  'kind',
  'status',
  'templateId',
  'accountId',
  'requested',
  'succeeded',
  'failed',
  'inProgress',
  'params',
  'reason',
  'requestedBy',
  'requestKey',
  'errorSummary',
  'orphansFound',
  'deadlineAt',
  'cancelRequestedAt',
  'createdAt',
  'startedAt',
  'finishedAt',
  'updatedAt',
] as const satisfies readonly (keyof TaskRow)[];
const TASK_BY_ID = {
  name: 'task-by-id',
  text: `SELECT ${columnList(TASK_COLUMNS)} FROM "Task" WHERE "id" = $1`,
};

export function toTaskView(row: TaskRow): Task {
  const params = row.params as { onFailure?: 'keep' | 'rollback'; policy?: 'newest' | 'oldest' };
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    templateId: row.templateId,
    accountId: row.accountId,
    counts: { requested: row.requested, succeeded: row.succeeded, failed: row.failed, inProgress: row.inProgress },
    onFailure: row.kind === 'expand' ? (params.onFailure ?? 'keep') : null,
    policy: row.kind === 'shrink' ? (params.policy ?? 'newest') : null,
    reason: row.reason,
    requestedBy: row.requestedBy,
    errorSummary: row.errorSummary,
    orphansFound: row.orphansFound,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    deadlineAt: row.deadlineAt,
    cancelRequestedAt: row.cancelRequestedAt,
  };
}

export interface TaskListQuery {
  limit: number;
  cursor?: string;
  status?: TaskStatus;
  kind?: TaskKind;
  template?: string;
  since?: Date;
}

export function createTaskService(deps: Parameters<typeof createAdmission>[0]) {
  const { prisma } = deps;
  const admission = createAdmission(deps);

  return {
    expand: async (
      templateId: string,
      body: ExpandRequest,
      principal: Principal | null,
      requestKey: string | null = null,
    ) => toTaskView(await admission.expand(templateId, body, principal, requestKey)),
    shrink: async (
      templateId: string,
      body: ShrinkRequest,
      principal: Principal | null,
      requestKey: string | null = null,
    ) => toTaskView(await admission.shrink(templateId, body, principal, requestKey)),
    cancel: async (id: string) => toTaskView(await admission.cancel(id)),

    async list(q: TaskListQuery) {
      const page = keyset('createdAt', 'desc', q.cursor);
      const rows = await prisma.task.findMany({
        where: {
          AND: [
            page.where,
            {
              status: q.status,
              kind: q.kind,
              templateId: q.template,
              createdAt: q.since ? { gte: q.since } : undefined,
            },
          ],
        },
        orderBy: page.orderBy as Prisma.TaskOrderByWithRelationInput[],
        take: q.limit + 1,
      });
      return toPage(rows, q.limit, (r) => r.createdAt, toTaskView);
    },

    async get(id: string): Promise<Task> {
      // Polled by dashboards and pipelines while a task runs: a named statement, as instance reads are.
      const [row] = await readRows<TaskRow>(prisma, TASK_BY_ID, [id]);
      if (!row) throw notFound('task', id);
      return toTaskView(row);
    },

    async items(id: string, limit: number, after: number) {
      const task = await prisma.task.findUnique({
        where: { id },
        include: { account: { select: { provider: true } } },
      });
      if (!task) throw notFound('task', id);
      const items = await prisma.taskItem.findMany({
        where: { taskId: id, seq: { gt: after } },
        orderBy: { seq: 'asc' },
        take: limit + 1,
      });
      const more = items.length > limit;
      const kept = more ? items.slice(0, limit) : items;
      const ids = kept.map((i) => i.instanceId).filter((x): x is string => x !== null);
      const machines = await prisma.instance.findMany({
        where: { accountId: task.accountId, providerId: { in: ids } },
      });
      const byProviderId = new Map(machines.map((m) => [m.providerId, m]));
      return {
        items: kept.map((i) => {
          const m = i.instanceId ? byProviderId.get(i.instanceId) : undefined;
          return {
            seq: i.seq,
            action: i.action,
            state: i.state,
            marker: i.marker,
            providerId: i.instanceId,
            instanceId: m?.id ?? null,
            attempts: i.attempts,
            errorCode: i.errorCode,
            errorMessage: i.errorMessage,
            instance: m ? toInstanceView(m, task.account.provider) : null,
          };
        }),
        nextCursor: more ? Buffer.from(String(kept.at(-1)!.seq)).toString('base64url') : null,
      };
    },

    /** For the SSE stream: events after an id, and whether the task is over. */
    async eventsAfter(id: string, afterId: bigint, limit: number) {
      // Status first: the final event is committed with the final status, so once the status reads
      // final, the events read after it include the last one.
      const task = await prisma.task.findUnique({ where: { id }, select: { status: true } });
      if (!task) throw notFound('task', id);
      const events = await prisma.taskEvent.findMany({
        where: { taskId: id, id: { gt: afterId } },
        orderBy: { id: 'asc' },
        take: limit,
      });
      return { events, final: FINAL_TASK_STATUSES.includes(task.status) };
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
