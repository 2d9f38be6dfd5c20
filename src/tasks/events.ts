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
    async append(taskId: string, events: NewEvent[], tx: Prisma.TransactionClient | PrismaClient = prisma) {
      if (events.length === 0) return;
      await tx.taskEvent.createMany({
        data: events.map((e) => ({ taskId, type: e.type, data: (e.data ?? {}) as Prisma.InputJsonValue })),
      });
    },
    /** Call after the transaction that appended events has committed. */
    async notify(taskId: string) {
      await redis.publish(eventChannel(prefix, taskId), '1').catch(() => undefined);
    },
  };
}

export type TaskEvents = ReturnType<typeof createTaskEvents>;
