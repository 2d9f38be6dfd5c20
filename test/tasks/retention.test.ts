/**
 * Retention purges, in batches, expired idempotency records, old events of finished tasks and
 * (when configured) old audit entries; it leaves recent rows, running tasks' events, and every
 * task row and item.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { Redis } from 'ioredis';
import { createLeases } from '../../src/db/leases.ts';
import { createLogger } from '../../src/logger.ts';
import { purgeOnce, startRetention } from '../../src/tasks/retention.ts';
import { isolatedPrisma } from '../support/context.ts';

const DAY = 86_400_000;
const db = isolatedPrisma();

const ago = (days: number) => new Date(Date.now() - days * DAY);

/** An account, a template and one task in `status`, with `old` events 40 days old and `fresh` ones from now. */
async function taskWithEvents(status: 'succeeded' | 'running' | 'queued', old: number, fresh: number) {
  const suffix = randomUUID().slice(0, 8);
  const account = await db.prisma.account.create({
    data: { name: `acc-${suffix}`, provider: 'h3c-cloudos', endpoint: 'http://127.0.0.1:1', credentialsCipher: 'x' },
  });
  const template = await db.prisma.template.create({
    data: { name: `tpl-${suffix}`, accountId: account.id, spec: {} },
  });
  const task = await db.prisma.task.create({
    data: { kind: 'expand', status, templateId: template.id, accountId: account.id, requested: 1 },
  });
  await db.prisma.taskItem.create({ data: { taskId: task.id, seq: 1, action: 'create', marker: `m-${suffix}` } });
  await db.prisma.taskEvent.createMany({
    data: [
      ...Array.from({ length: old }, (_, i) => ({ taskId: task.id, type: `old.${i}`, at: ago(40) })),
      ...Array.from({ length: fresh }, (_, i) => ({ taskId: task.id, type: `fresh.${i}` })),
    ],
  });
  return task.id;
}

async function idempotencyRecords(expired: number, live: number) {
  const row = (expiresAt: Date) => ({
    apiKeyId: randomUUID(),
    key: randomUUID(),
    method: 'POST',
    path: '/v1/templates',
    requestHash: 'h',
    expiresAt,
  });
  await db.prisma.idempotencyRecord.createMany({
    data: [
      ...Array.from({ length: expired }, () => row(ago(1))),
      ...Array.from({ length: live }, () => row(new Date(Date.now() + DAY))),
    ],
  });
}

describe('retention', () => {
  it('purges old idempotency records and events in batches, keeping recent ones, running tasks and items', async () => {
    // 1. Seven expired idempotency records and two live; a finished task with five old events and two
    //    recent; a running and a queued task with old events that must stay.
    await idempotencyRecords(7, 2);
    const done = await taskWithEvents('succeeded', 5, 2);
    const running = await taskWithEvents('running', 4, 1);
    const queued = await taskWithEvents('queued', 2, 0);
    await db.prisma.auditEntry.createMany({
      data: [
        { actorName: 't', action: 'template.update', resourceType: 'template', resourceId: 'a', at: ago(400) },
        { actorName: 't', action: 'template.update', resourceType: 'template', resourceId: 'b' },
      ],
    });

    // 2. Purge with batches of three and the audit kept forever.
    const counts = await purgeOnce(db.prisma, { eventRetentionMs: 30 * DAY, auditRetentionMs: 0, batchSize: 3 });
    expect(counts).toMatchObject({ idempotencyRecords: 7, taskEvents: 5, auditEntries: 0 });
    // 7 rows = 3+3+1 (three statements); 5 events = 3+2 (two statements).
    expect(counts.batches).toBe(5);

    // 3. What remains: live records, recent events, every event of open tasks, every task and item.
    expect(await db.prisma.idempotencyRecord.count()).toBe(2);
    const types = async (taskId: string) =>
      (await db.prisma.taskEvent.findMany({ where: { taskId }, orderBy: { id: 'asc' } })).map((e) => e.type);
    expect(await types(done)).toEqual(['fresh.0', 'fresh.1']);
    expect(await types(running)).toEqual(['old.0', 'old.1', 'old.2', 'old.3', 'fresh.0']);
    expect(await types(queued)).toEqual(['old.0', 'old.1']);
    expect(await db.prisma.task.count({ where: { id: { in: [done, running, queued] } } })).toBe(3);
    expect(await db.prisma.taskItem.count({ where: { taskId: { in: [done, running, queued] } } })).toBe(3);
    expect(await db.prisma.auditEntry.count()).toBe(2);

    // 4. With an audit retention, only the old entry goes; a second pass finds nothing more.
    const audit = await purgeOnce(db.prisma, { eventRetentionMs: 30 * DAY, auditRetentionMs: 365 * DAY });
    expect(audit).toMatchObject({ idempotencyRecords: 0, taskEvents: 0, auditEntries: 1 });
    expect((await db.prisma.auditEntry.findMany()).map((e) => e.resourceId)).toEqual(['b']);
  });

  it('runs on one replica per period: a second process holding no lease purges nothing', async () => {
    await idempotencyRecords(3, 0);
    const redis = new Redis(db.iso.config.redisUrl);
    const leases = createLeases(redis, db.iso.config.redisPrefix);
    const settings = { eventRetentionMs: 30 * DAY, auditRetentionMs: 0 };
    const logger = createLogger('silent');
    try {
      // 1. Another replica holds this period's lease: this one does nothing.
      expect(await leases.take('retention', 60_000)).toBe(true);
      const idle = startRetention({ prisma: db.prisma, leases, logger, everyMs: 3_600_000, settings });
      await idle.close();
      expect(await db.prisma.idempotencyRecord.count({ where: { expiresAt: { lt: new Date() } } })).toBe(3);

      // 2. Once the lease is free, the next start purges.
      await redis.del(`${db.iso.config.redisPrefix}:lease:retention`);
      const active = startRetention({ prisma: db.prisma, leases, logger, everyMs: 3_600_000, settings });
      await vi.waitFor(async () => {
        expect(await db.prisma.idempotencyRecord.count({ where: { expiresAt: { lt: new Date() } } })).toBe(0);
      });
      await active.close();
    } finally {
      redis.disconnect();
    }
  });
});
