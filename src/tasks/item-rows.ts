/**
 * The one place that writes task item rows. Every step of the engine that
 * changes an item (planned at admission, marked before a call, recorded
 * after it, settled, retried, given up, rolled back) goes through here, so
 * the rules that make a crash at any instant safe live in one file:
 * - a create is marked `submitted` (attempts + 1) BEFORE it is sent, and
 *   only if the item still has the attempt count the worker read (the fence
 *   that keeps two workers from both sending it);
 * - what the platform answered is recorded only on an item still `submitted`;
 * - set-based statements whose size does not depend on how many rows they
 *   touch (ids travel as one array parameter), so a round over thousands of
 *   items costs a few statements, not thousands, and nothing to compile.
 */
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { markerPrefix, seqWidth } from './markers.ts';

type Db = PrismaClient | Prisma.TransactionClient;
export type ItemPatch = Prisma.TaskItemUpdateManyMutationInput;

export interface Accepted {
  id: string;
  instanceId: string | null;
  jobId: string | null;
}

export function itemRows(db: Db) {
  return {
    /** `count` create items, markers `<prefix>-<task8>-<seq padded to the count's digits>`, in one INSERT. */
    planCreates: (taskId: string, namePrefix: string, count: number) => db.$executeRaw`
      INSERT INTO "TaskItem" ("id", "taskId", "seq", "action", "state", "marker", "updatedAt")
      SELECT gen_random_uuid(), ${taskId}::uuid, n, 'create', 'planned',
        ${markerPrefix(namePrefix, taskId)} || lpad(n::text, ${seqWidth(count)}::int, '0'), now()
      FROM generate_series(1, ${count}::int) AS n`,

    /** Delete items for these machines, in the order given. */
    planDeletes: (taskId: string, providerIds: string[]) =>
      providerIds.length
        ? db.taskItem.createMany({
            data: providerIds.map((instanceId, i) => ({
              taskId,
              seq: i + 1,
              action: 'delete' as const,
              marker: `${taskId}:d${i + 1}`,
              instanceId,
            })),
          })
        : Promise.resolve({ count: 0 }),

    /** One item. */
    patch: (id: string, data: Prisma.TaskItemUpdateInput) => db.taskItem.update({ where: { id }, data }),

    /** Several items by id, optionally only those still in one of `states`. */
    async patchMany(ids: string[], data: ItemPatch, states?: Prisma.TaskItemWhereInput['state']) {
      if (ids.length === 0) return 0;
      const done = await db.taskItem.updateMany({
        where: { id: { in: ids }, ...(states ? { state: states } : {}) },
        data,
      });
      return done.count;
    },

    /**
     * Items settled by a round's look at the platform, one statement per state for any number of
     * them. Only items still active are touched: a row another worker settled meanwhile stays as it is.
     */
    async settle(ids: string[], state: 'succeeded' | 'cancelled' | 'rolled_back') {
      if (ids.length === 0) return 0;
      return db.$executeRaw`
        UPDATE "TaskItem" SET "state" = ${state}::"TaskItemState", "updatedAt" = now(),
          "errorCode" = CASE WHEN ${state} = 'succeeded' THEN NULL ELSE "errorCode" END,
          "errorMessage" = CASE WHEN ${state} = 'succeeded' THEN NULL ELSE "errorMessage" END
        WHERE "id" = ANY(${ids}::uuid[]) AND "state" IN ('planned', 'submitted', 'waiting', 'rolling_back')`;
    },

    /**
     * Marks creates `submitted` before they are sent, fenced on the attempt count each worker read:
     * returns the ids this caller may send.
     */
    async markSubmitted(batch: { id: string; attempts: number }[]): Promise<Set<string>> {
      if (batch.length === 0) return new Set();
      const marked = await db.$queryRaw<{ id: string }[]>`
        UPDATE "TaskItem" AS t
        SET "state" = 'submitted', "submittedAt" = ${new Date()}, "attempts" = t."attempts" + 1,
            "nextAttemptAt" = NULL, "updatedAt" = now()
        FROM unnest(${batch.map((b) => b.id)}::uuid[], ${batch.map((b) => b.attempts)}::int[]) AS v(id, attempts)
        WHERE t."id" = v.id AND t."attempts" = v.attempts AND t."state" IN ('planned', 'submitted')
        RETURNING t."id"`;
      return new Set(marked.map((m) => m.id));
    },

    /**
     * What creates answered: the machine's id (and a job, when the platform gives both) makes the item
     * `waiting`; a job alone is the item's witness of its create. The time of the answer restarts the
     * list-lag clock. Only items still `submitted` are touched.
     */
    async recordAccepted(accepted: Accepted[]) {
      const now = new Date();
      const withId = accepted.filter((a) => a.instanceId);
      const withJob = accepted.filter((a) => !a.instanceId && a.jobId);
      if (withId.length) {
        await db.$executeRaw`
          UPDATE "TaskItem" AS t SET "state" = 'waiting', "instanceId" = v.instance_id, "jobId" = v.job_id,
            "submittedAt" = ${now}, "updatedAt" = now()
          FROM unnest(${withId.map((a) => a.id)}::uuid[], ${withId.map((a) => a.instanceId)}::text[],
            ${withId.map((a) => a.jobId)}::text[]) AS v(id, instance_id, job_id)
          WHERE t."id" = v.id AND t."state" = 'submitted'`;
      }
      if (withJob.length) {
        await db.$executeRaw`
          UPDATE "TaskItem" AS t SET "jobId" = v.job_id, "submittedAt" = ${now}, "updatedAt" = now()
          FROM unnest(${withJob.map((a) => a.id)}::uuid[], ${withJob.map((a) => a.jobId)}::text[]) AS v(id, job_id)
          WHERE t."id" = v.id AND t."state" = 'submitted'`;
      }
    },

    /**
     * Puts items into a group call, fenced like `markSubmitted`: only items that still have the
     * attempt count read and belong to no call join it. Returns how many did.
     */
    async markForCall(batch: { id: string; attempts: number; state: string }[], callSeq: number): Promise<number> {
      if (batch.length === 0) return 0;
      const expected = Prisma.join(batch.map((b) => Prisma.sql`(${b.id}::uuid, ${b.attempts}::int)`));
      return db.$executeRaw`
        UPDATE "TaskItem" AS t
        SET "state" = CASE WHEN t."state" = 'rolling_back' THEN t."state" ELSE 'submitted' END,
            "callSeq" = ${callSeq}, "attempts" = t."attempts" + 1, "submittedAt" = ${new Date()},
            "nextAttemptAt" = NULL, "updatedAt" = now()
        FROM (VALUES ${expected}) AS v(id, attempts)
        WHERE t."id" = v.id AND t."attempts" = v.attempts
          AND (t."callSeq" IS NULL OR t."state" <> 'submitted')`;
    },

    /** A queued task's items that never started: cancelled. */
    cancelPlanned: (taskId: string) =>
      db.taskItem.updateMany({ where: { taskId, state: 'planned' }, data: { state: 'cancelled' } }),

    /** The task ends early (deadline, a refusal of the whole task): items still moving fail with its reason. */
    giveUp: (taskId: string, reason: { errorCode: string; errorMessage: string }) =>
      db.taskItem.updateMany({
        where: { taskId, state: { in: ['planned', 'submitted', 'waiting', 'rolling_back'] } },
        data: { state: 'failed', ...reason },
      }),

    /** Every machine this expand created is to be deleted again; returns how many. */
    async startRollback(taskId: string) {
      const done = await db.taskItem.updateMany({
        where: {
          taskId,
          action: 'create',
          instanceId: { not: null },
          state: { in: ['succeeded', 'waiting', 'failed'] },
        },
        data: { state: 'rolling_back', submittedAt: null, attempts: 0, nextAttemptAt: null },
      });
      return done.count;
    },
  };
}
