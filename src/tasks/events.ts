/**
 * A task's event log: rows in Postgres (the record, replayed over SSE) and a
 * Redis publish that wakes listeners on every API replica. Redis carries no
 * data, only "look again", so a missed message costs latency, not events.
 */
import type { Redis } from 'ioredis';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

export interface NewEvent {
  type: string;
  data?: Record<string, unknown>;
}

export const eventChannel = (prefix: string, taskId: string) => `${prefix}:task-events:${taskId}`;

export function createTaskEvents(prisma: PrismaClient, redis: Redis, prefix: string) {
  return {
    /** One statement with one parameter for any number of events, in the order given. */
    async append(taskId: string, events: NewEvent[], tx: Prisma.TransactionClient | PrismaClient = prisma) {
      if (events.length === 0) return;
      const payload = JSON.stringify(events.map((e) => ({ type: e.type, data: e.data ?? {} })));
      await tx.$executeRaw`
        INSERT INTO "TaskEvent" ("taskId", "type", "data")
        SELECT ${taskId}::uuid, e."type", e."data"
        FROM ROWS FROM (jsonb_to_recordset(${payload}::jsonb) AS ("type" text, "data" jsonb))
          WITH ORDINALITY AS e("type", "data", n)
        ORDER BY e.n`;
    },
    /** Call after the transaction that appended events has committed. */
    async notify(taskId: string) {
      await redis.publish(eventChannel(prefix, taskId), '1').catch(() => undefined);
    },
  };
}

export type TaskEvents = ReturnType<typeof createTaskEvents>;
