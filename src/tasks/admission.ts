/**
 * Admission: an expand or shrink request becomes a task and its planned
 * items in one transaction (template row locked), then a job when the
 * template is free; a cancel ends a queued task at once or asks a running
 * one to stop. Refused requests change nothing. The API's task routes call
 * this; reads stay in the API.
 */
import { randomUUID } from 'node:crypto';
import type { Prisma, PrismaClient, Task as TaskRow } from '../generated/prisma/client.ts';
import { ApiError, conflict, notFound, type FieldError } from '../domain/errors.ts';
import type { Principal } from '../domain/scopes.ts';
import type { ExpandRequest, ShrinkRequest } from '../domain/task.ts';
import { FINAL_TASK_STATUSES } from '../domain/task.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { withStoreTimeout } from '../db/store-errors.ts';
import { specForChecks, templateNamePrefix } from '../db/template-spec.ts';
import { placeCreateProblems } from '../providers/contract.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import type { Logger } from '../logger.ts';
import type { TaskEvents } from './events.ts';
import { markerPrefix } from './markers.ts';
import type { TaskQueue } from './queue.ts';
import { admit, ensureJob, handOver, lockTemplate } from './scheduling.ts';
import { assertCanRun } from './strategy.ts';
import { itemRows } from './item-rows.ts';
import { explicitVictims, shrinkable } from './victims.ts';

const validationFailed = (errors: FieldError[]) =>
  new ApiError('validation-failed', errors.map((e) => `${e.in} ${e.pointer}: ${e.detail}`).join('; '), { errors });

export function createAdmission(deps: {
  prisma: PrismaClient;
  /** The account's adapter, for the submit-time check that its platform can run the task. */
  providers: AccountProviders;
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
    // A deleted template cannot be expanded or shrunk: it answers 404 like one that never existed.
    const row = await prisma.template.findFirst({ where: { id, deletedAt: null } });
    if (!row) throw notFound('template', id);
    return row;
  }

  /** Writes the task, its items and its first event, and admits it if the template is free. */
  async function submit(
    templateId: string,
    build: (tx: Prisma.TransactionClient, taskId: string) => Promise<Prisma.TaskUncheckedCreateInput>,
    items: (tx: Prisma.TransactionClient, taskId: string) => Promise<unknown>,
    requestKey: string | null,
  ): Promise<TaskRow> {
    // A retry of a request whose first attempt made its task (and then died before answering) gets that task.
    const earlier = async () => (requestKey ? prisma.task.findUnique({ where: { requestKey } }) : null);
    const made = await earlier();
    if (made) return made;
    for (let tries = 0; ; tries++) {
      const taskId = randomUUID();
      try {
        const admitted = await prisma.$transaction(async (tx) => {
          await lockTemplate(tx, templateId);
          // A delete that committed while this request was being checked: the lock orders us after it.
          if (!(await tx.template.count({ where: { id: templateId, deletedAt: null } }))) {
            throw notFound('template', templateId);
          }
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
        return prisma.task.findUniqueOrThrow({ where: { id: taskId } });
      } catch (err) {
        if (isUniqueViolation(err)) {
          const raced = await earlier();
          if (raced) return raced;
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
    ): Promise<TaskRow> {
      if (body.count > deps.maxCount) throw tooMany('/count', `at most ${deps.maxCount} machines per task`);
      const tpl = await template(templateId);
      const { provider } = await deps.providers.resolve(tpl.accountId);
      assertCanRun(provider, 'expand');
      // A template or account that can never create (changed since, or saved before these checks) is
      // refused now with the field named, not planned into items that would each fail on the platform.
      const problems = provider.checkCreate(specForChecks(tpl.spec));
      if (problems.length)
        throw validationFailed(
          placeCreateProblems(problems, { in: 'body', roots: [], spec: 'template', account: 'account' }),
        );
      const prefix = templateNamePrefix(tpl);
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
        (tx, taskId) => itemRows(tx).planCreates(taskId, prefix, body.count),
        requestKey,
      );
    },

    async shrink(
      templateId: string,
      body: ShrinkRequest,
      principal: Principal | null,
      requestKey: string | null = null,
    ): Promise<TaskRow> {
      const tpl = await template(templateId);
      if ((body.count ?? 0) > deps.maxCount) throw tooMany('/count', `at most ${deps.maxCount} machines per task`);
      assertCanRun((await deps.providers.resolve(tpl.accountId)).provider, 'shrink');
      let victims: string[] = [];
      return submit(
        templateId,
        // Checked under the template lock, so two shrinks racing cannot both promise the same machines.
        async (tx, id) => {
          const { live, free, room } = await shrinkable(tx, templateId);
          if (body.instanceIds) {
            const chosen = explicitVictims(live, body.instanceIds);
            if ('bad' in chosen) throw validationFailed(chosen.bad);
            victims = chosen.victims;
          }
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
        (tx, taskId) => itemRows(tx).planDeletes(taskId, victims),
        requestKey,
      );
    },

    async cancel(id: string): Promise<TaskRow> {
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
          await itemRows(tx).cancelPlanned(id);
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
      return prisma.task.findUniqueOrThrow({ where: { id } });
    },
  };
}

export type Admission = ReturnType<typeof createAdmission>;
