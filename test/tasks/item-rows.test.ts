/**
 * The fences in the item repository: two workers running one task (a lapsed job lock) both try
 * to mark the same items; only one may, so only one sends the call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { itemRows } from '../../src/tasks/item-rows.ts';
import { isolatedPrisma } from '../support/context.ts';

const db = isolatedPrisma(4);
let taskId: string;

beforeAll(async () => {
  const account = await db.prisma.account.create({
    data: { name: 'a', provider: 'legacy-cluster', endpoint: 'http://x', credentialsCipher: 'x' },
  });
  const template = await db.prisma.template.create({ data: { name: 't', accountId: account.id, spec: {} } });
  const task = await db.prisma.task.create({
    data: { kind: 'expand', templateId: template.id, accountId: account.id, requested: 3 },
  });
  taskId = task.id;
  await itemRows(db.prisma).planCreates(taskId, 't', 3);
});

const items = () => db.prisma.taskItem.findMany({ where: { taskId }, orderBy: { seq: 'asc' } });

describe('item fences', () => {
  it('lets one of two workers put the same items into a group call', async () => {
    const read = await items();
    const [a, b] = await Promise.all([
      itemRows(db.prisma).markForCall(read, 1),
      itemRows(db.prisma).markForCall(read, 2),
    ]);
    expect([a, b].sort()).toEqual([0, 3]);
    const after = await items();
    expect(new Set(after.map((i) => i.callSeq)).size).toBe(1);
    expect(after.every((i) => i.state === 'submitted' && i.attempts === 1)).toBe(true);
  });

  it('lets one of two workers mark the same create submitted', async () => {
    await db.prisma.taskItem.updateMany({ where: { taskId }, data: { state: 'planned', callSeq: null } });
    const read = await items();
    const [a, b] = await Promise.all([
      itemRows(db.prisma).markSubmitted(read),
      itemRows(db.prisma).markSubmitted(read),
    ]);
    expect(a.size + b.size).toBe(3);
  });
});
