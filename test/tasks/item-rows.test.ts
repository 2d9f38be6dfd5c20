/**
 * The fences in the item repository: two workers running one task (a lapsed job lock) both try
 * to mark the same items; only one may, so only one sends the call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, type PrismaClient } from '../../src/db/client.ts';
import { itemRows } from '../../src/tasks/item-rows.ts';
import { isolate, type Isolated } from '../support/context.ts';

let iso: Isolated;
let prisma: PrismaClient;
let taskId: string;

beforeAll(async () => {
  iso = await isolate();
  prisma = createPrisma({ databaseUrl: iso.config.databaseUrl, poolSize: 4 });
  const account = await prisma.account.create({
    data: { name: 'a', provider: 'legacy-cluster', endpoint: 'http://x', credentialsCipher: 'x' },
  });
  const template = await prisma.template.create({ data: { name: 't', accountId: account.id, spec: {} } });
  const task = await prisma.task.create({
    data: { kind: 'expand', templateId: template.id, accountId: account.id, requested: 3 },
  });
  taskId = task.id;
  await itemRows(prisma).planCreates(taskId, 't', 3);
});
afterAll(async () => {
  await prisma?.$disconnect();
  await iso?.close();
});

const items = () => prisma.taskItem.findMany({ where: { taskId }, orderBy: { seq: 'asc' } });

describe('item fences', () => {
  it('lets one of two workers put the same items into a group call', async () => {
    const read = await items();
    const [a, b] = await Promise.all([itemRows(prisma).markForCall(read, 1), itemRows(prisma).markForCall(read, 2)]);
    expect([a, b].sort()).toEqual([0, 3]);
    const after = await items();
    expect(new Set(after.map((i) => i.callSeq)).size).toBe(1);
    expect(after.every((i) => i.state === 'submitted' && i.attempts === 1)).toBe(true);
  });

  it('lets one of two workers mark the same create submitted', async () => {
    await prisma.taskItem.updateMany({ where: { taskId }, data: { state: 'planned', callSeq: null } });
    const read = await items();
    const [a, b] = await Promise.all([itemRows(prisma).markSubmitted(read), itemRows(prisma).markSubmitted(read)]);
    expect(a.size + b.size).toBe(3);
  });
});
