/**
 * Reading a task's items a page at a time, by keyset on `seq`, with only
 * the columns a round uses: a round holds the items it is working on, not
 * the whole task, and each page costs the same at 100 items or 100,000
 * (index `TaskItem(taskId, state, seq)`). Writes stay in item-rows.ts.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { ItemRow } from './observe.ts';

type Db = PrismaClient | Prisma.TransactionClient;

/** Items a round reads at once. */
export const ITEM_PAGE = 1_000;

/**
 * Active items that need a look at the platform: every active item except creates never sent
 * (planned with no attempt cannot have a machine; they are fed to the send lanes instead).
 */
export const settlePage = (db: Db, taskId: string, afterSeq: number, limit = ITEM_PAGE) => db.$queryRaw<ItemRow[]>`
  SELECT "id", "seq", "action", "state", "marker", "instanceId", "jobId", "callSeq", "attempts", "submittedAt", "nextAttemptAt"
  FROM "TaskItem"
  WHERE "taskId" = ${taskId}::uuid AND "seq" > ${afterSeq}::int
    AND ("state" IN ('submitted', 'waiting', 'rolling_back')
      OR ("state" = 'planned' AND ("attempts" > 0 OR "action" = 'delete')))
  ORDER BY "seq" LIMIT ${limit}::int`;

/** Creates never sent, in seq order. */
export const freshPage = (db: Db, taskId: string, afterSeq: number, limit: number) => db.$queryRaw<ItemRow[]>`
  SELECT "id", "seq", "action", "state", "marker", "instanceId", "jobId", "callSeq", "attempts", "submittedAt", "nextAttemptAt"
  FROM "TaskItem"
  WHERE "taskId" = ${taskId}::uuid AND "state" = 'planned' AND "seq" > ${afterSeq}::int
    AND "attempts" = 0 AND "action" = 'create'
  ORDER BY "seq" LIMIT ${limit}::int`;

/** Every page of `read`, in seq order. */
export async function* pages(read: (afterSeq: number) => Promise<ItemRow[]>): AsyncGenerator<ItemRow[]> {
  let after = 0;
  for (;;) {
    const page = await read(after);
    if (page.length === 0) return;
    yield page;
    after = page.at(-1)!.seq;
  }
}

/** Whether the task has any item still moving. */
export async function hasActiveItems(db: Db, taskId: string): Promise<boolean> {
  const rows = await db.$queryRaw<{ one: number }[]>`
    SELECT 1 AS one FROM "TaskItem"
    WHERE "taskId" = ${taskId}::uuid AND "state" IN ('planned', 'submitted', 'waiting', 'rolling_back') LIMIT 1`;
  return rows.length > 0;
}

/**
 * What the send lanes take from: the round's re-sends first, then the creates never sent, read a
 * page ahead so the lanes never wait on the database between pages.
 */
export function createFeed(db: Db, taskId: string, resends: ItemRow[], fresh: boolean, pageSize = 500) {
  const buffer = [...resends];
  let after = 0;
  let done = !fresh;
  let loading: Promise<void> | undefined;
  const load = () =>
    (loading ??= freshPage(db, taskId, after, pageSize)
      .then((page) => {
        buffer.push(...page);
        if (page.length < pageSize) done = true;
        else after = page.at(-1)!.seq;
      })
      .finally(() => (loading = undefined)));
  return {
    /** Reads the first page: how many items there are at least (sizes the lanes). */
    async prime(): Promise<number> {
      if (!done) await load();
      return buffer.length;
    },
    async next(): Promise<ItemRow | undefined> {
      while (buffer.length === 0 && !done) await load();
      const item = buffer.shift();
      if (!done && buffer.length < pageSize / 2) void load().catch(() => undefined);
      return item;
    },
  };
}

export type Feed = ReturnType<typeof createFeed>;
