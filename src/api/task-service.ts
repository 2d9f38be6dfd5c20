/**
 * Expand and shrink requests become a task and its planned items in one
 * transaction (template row locked), then a job when the template is free.
 * Refused requests change nothing. Reads and cancel live here too.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient, Task as TaskRow } from '../generated/prisma/client.ts';
import { conflict, notFound, type FieldError } from '../domain/errors.ts';
import type { Principal } from '../domain/scopes.ts';
import type { ExpandRequest, ShrinkRequest, Task, TaskKind, TaskStatus } from '../domain/task.ts';
import { FINAL_TASK_STATUSES } from '../domain/task.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { withStoreTimeout } from '../db/store-errors.ts';
import type { Logger } from '../logger.ts';
import { slugPrefix } from '../db/template-spec.ts';
import { toInstanceView } from '../inventory/instance-records.ts';
import type { TaskEvents } from '../tasks/events.ts';
import { markerPrefix } from '../tasks/markers.ts';
import type { TaskQueue } from '../tasks/queue.ts';
import { admit, ensureJob, handOver, lockTemplate } from '../tasks/scheduling.ts';
import { deleteItems } from '../tasks/victims.ts';
import { keyset, toPage } from './pagination.ts';
import { validationFailed } from './validation.ts';

const OPEN: TaskStatus[] = ['queued', 'running', 'cancelling'];

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

type Live = { id: string; providerId: string; status: string };

/**
 * The group's live machines, and those not yet promised to an open shrink:
 * victims already chosen (items) are taken out one by one; a queued shrink
 * by count, whose victims are chosen when it starts, holds its count back.
 */
async function shrinkable(tx: Prisma.TransactionClient, templateId: string) {
  const live: Live[] = await tx.instance.findMany({
    where: { templateId, deletedAt: null, status: { notIn: ['deleting', 'deleted'] } },
    select: { id: true, providerId: true, status: true },
  });
  const open = await tx.task.findMany({
    where: { templateId, kind: 'shrink', status: { in: OPEN } },
    select: {
      requested: true,
      items: { where: { state: { in: ['planned', 'submitted', 'waiting'] } }, select: { instanceId: true } },
    },
  });
  const chosen = new Set(open.flatMap((t) => t.items.map((i) => i.instanceId)));
  const heldBack = open.filter((t) => t.items.length === 0).reduce((n, t) => n + t.requested, 0);
  const free = live.filter((l) => !chosen.has(l.providerId));
  return { live, free, room: Math.max(0, free.length - heldBack) };
}

/** Explicit victims must be live members; broken machines go first, then the order given. */
function explicitVictims(live: Live[], ids: string[]): string[] {
  const byId = new Map(live.map((l) => [l.id, l]));
  const bad: FieldError[] = ids.flatMap((id, i) =>
    byId.has(id)
      ? []
      : [{ in: 'body', pointer: `/instanceIds/${i}`, detail: `${id} is not a live machine of this template's group` }],
  );
  if (bad.length) throw validationFailed(bad);
  const chosen = [...new Set(ids)].map((id) => byId.get(id)!);
  const broken = (c: Live) => c.status === 'error' || c.status === 'unknown';
  return [...chosen.filter(broken), ...chosen.filter((c) => !broken(c))].map((c) => c.providerId);
}

export function createTaskService(deps: {
  prisma: PrismaClient;
  queue: TaskQueue;
  events: TaskEvents;
  maxCount: number;
  logger: Logger;
  /** How long a committed task's answer may wait for Redis to take its job. */
  enqueueTimeoutMs: number;
  /** Delay before a job whose round failed on a store runs again. */
  retryDelayMs?: number;
}) {
  const { prisma } = deps;

  /**
   * Adds a committed task's job, waiting at most `enqueueTimeoutMs`: the task is safe in Postgres,
   * so a Redis that is away (or slow) must not hang the answer nor turn it into an error the client
   * would retry (a second task). The sweeper adds a job that did not make it.
   */
  async function enqueue(taskId: string) {
    await withStoreTimeout(
      'redis',
      'the enqueue',
      deps.enqueueTimeoutMs,
      ensureJob(deps.queue, taskId, deps.retryDelayMs),
    ).catch((err: Error) =>
      deps.logger.warn({ taskId, err: err.message }, 'enqueue did not complete; the sweeper will retry'),
    );
  }

  async function template(id: string) {
    const row = await prisma.template.findUnique({ where: { id } });
    if (!row) throw notFound('template', id);
    return row;
  }

  /** Writes the task, its items and its first event, and admits it if the template is free. */
  async function submit(
    templateId: string,
    build: (tx: Prisma.TransactionClient, taskId: string) => Promise<Prisma.TaskUncheckedCreateInput>,
    items: (tx: Prisma.TransactionClient, taskId: string) => Promise<unknown>,
    requestKey: string | null,
  ): Promise<Task> {
    // A retry of a request whose first attempt made its task (and then died before answering) gets that task.
    const earlier = async () => (requestKey ? prisma.task.findUnique({ where: { requestKey } }) : null);
    const made = await earlier();
    if (made) return toTaskView(made);
    for (let tries = 0; ; tries++) {
      const taskId = randomUUID();
      try {
        const admitted = await prisma.$transaction(async (tx) => {
          await lockTemplate(tx, templateId);
          const data = await build(tx, taskId);
          await tx.task.create({ data: { ...data, requestKey } });
          await items(tx, taskId);
          await deps.events.append(
            taskId,
            [{ type: 'task.queued', data: { kind: data.kind, requested: data.requested } }],
            tx,
          );
          return admit(tx, templateId, taskId);
        });
        if (admitted) await enqueue(taskId);
        return toTaskView(await prisma.task.findUniqueOrThrow({ where: { id: taskId } }));
      } catch (err) {
        if (isUniqueViolation(err)) {
          const raced = await earlier();
          if (raced) return toTaskView(raced);
          // Markers embed 8 hex digits of the task id; on the rare clash, draw another id.
          if (tries < 3) continue;
        }
        throw err;
      }
    }
  }

  const tooMany = (pointer: string, detail: string) => validationFailed([{ in: 'body', pointer, detail }]);

  return {
    async expand(
      templateId: string,
      body: ExpandRequest,
      principal: Principal | null,
      requestKey: string | null = null,
    ): Promise<Task> {
      if (body.count > deps.maxCount) throw tooMany('/count', `at most ${deps.maxCount} machines per task`);
      const tpl = await template(templateId);
      const prefix = (tpl.spec as { namePrefix?: string }).namePrefix ?? slugPrefix(tpl.name);
      return submit(
        templateId,
        async (_tx, id) => ({
          id,
          kind: 'expand',
          templateId,
          accountId: tpl.accountId,
          requested: body.count,
          inProgress: body.count,
          // The marker prefix is fixed with the items: renaming the template later must not hide its machines.
          params: { onFailure: body.onFailure, count: body.count, markerPrefix: markerPrefix(prefix, id) },
          reason: body.reason ?? null,
          requestedBy: principal?.name ?? null,
        }),
        // One set-based INSERT: a thousand planned items cost one statement, not a thousand bound rows.
        (tx, taskId) => tx.$executeRaw`
          INSERT INTO "TaskItem" ("id", "taskId", "seq", "action", "state", "marker", "updatedAt")
          SELECT gen_random_uuid(), ${taskId}::uuid, n, 'create', 'planned', ${markerPrefix(prefix, taskId)} || n, now()
          FROM generate_series(1, ${body.count}::int) AS n`,
        requestKey,
      );
    },

    async shrink(
      templateId: string,
      body: ShrinkRequest,
      principal: Principal | null,
      requestKey: string | null = null,
    ): Promise<Task> {
      const tpl = await template(templateId);
      if ((body.count ?? 0) > deps.maxCount) throw tooMany('/count', `at most ${deps.maxCount} machines per task`);
      let victims: string[] = [];
      return submit(
        templateId,
        // Checked under the template lock, so two shrinks racing cannot both promise the same machines.
        async (tx, id) => {
          const { live, free, room } = await shrinkable(tx, templateId);
          if (body.instanceIds) victims = explicitVictims(live, body.instanceIds);
          const count = body.count ?? victims.length;
          if (count > room) {
            throw tooMany(
              body.count !== undefined ? '/count' : '/instanceIds',
              `the group has ${room} machine(s) not already being removed; cannot remove ${count}`,
            );
          }
          const freeIds = new Set(free.map((f) => f.providerId));
          const taken = new Set(victims.filter((v) => !freeIds.has(v)));
          if (taken.size)
            throw tooMany(
              '/instanceIds',
              `${taken.size} of these machines are already being removed by another shrink`,
            );
          return {
            id,
            kind: 'shrink',
            templateId,
            accountId: tpl.accountId,
            requested: count,
            inProgress: count,
            params: { policy: body.policy, ...(body.count !== undefined ? { count: body.count } : {}) },
            reason: body.reason ?? null,
            requestedBy: principal?.name ?? null,
          };
        },
        (tx, taskId) =>
          victims.length ? tx.taskItem.createMany({ data: deleteItems(taskId, victims) }) : Promise.resolve(),
        requestKey,
      );
    },

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
      const row = await prisma.task.findUnique({ where: { id } });
      if (!row) throw notFound('task', id);
      return toTaskView(row);
    },

    async cancel(id: string): Promise<Task> {
      const found = await prisma.task.findUnique({ where: { id } });
      if (!found) throw notFound('task', id);
      const next = await prisma.$transaction(async (tx) => {
        await lockTemplate(tx, found.templateId);
        const task = await tx.task.findUniqueOrThrow({ where: { id } });
        if (FINAL_TASK_STATUSES.includes(task.status))
          throw conflict(`the task is already ${task.status}`, { taskStatus: task.status });
        if (task.status === 'cancelling') return null;
        const now = new Date();
        if (task.status === 'queued') {
          await tx.taskItem.updateMany({ where: { taskId: id, state: 'planned' }, data: { state: 'cancelled' } });
          const cancelled = await tx.taskItem.count({ where: { taskId: id } });
          await tx.task.update({
            where: { id },
            data: {
              status: 'cancelled',
              cancelRequestedAt: now,
              finishedAt: now,
              inProgress: 0,
              requested: Math.max(task.requested, cancelled),
            },
          });
          await deps.events.append(id, [{ type: 'task.finished', data: { status: 'cancelled' } }], tx);
          return handOver(tx, task.templateId, id);
        }
        await tx.task.update({ where: { id }, data: { status: 'cancelling', cancelRequestedAt: now } });
        await deps.events.append(id, [{ type: 'task.cancelling' }], tx);
        return null;
      });
      await deps.events.notify(id);
      if (next) await enqueue(next);
      return this.get(id);
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
