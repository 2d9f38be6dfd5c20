/**
 * Which machines a shrink by count deletes. Machines in error or unknown
 * state go first (they serve nobody), then the policy's order (newest or
 * oldest first), ties broken by id so two runs choose alike. Machines
 * another open shrink already chose are left out. Victims become items
 * before any delete is sent.
 */
import type { Prisma } from '../generated/prisma/client.ts';

export interface Candidate {
  id: string;
  providerId: string;
  status: string;
  firstSeenAt: Date;
  launchedAt: Date | null;
}

const BROKEN = new Set(['error', 'unknown']);

export function orderVictims(candidates: Candidate[], policy: 'newest' | 'oldest'): Candidate[] {
  const born = (c: Candidate) => (c.launchedAt ?? c.firstSeenAt).getTime();
  return [...candidates].sort((a, b) => {
    const broken = Number(BROKEN.has(b.status)) - Number(BROKEN.has(a.status));
    if (broken !== 0) return broken;
    const age = policy === 'newest' ? born(b) - born(a) : born(a) - born(b);
    if (age !== 0) return age;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}

/** Live members of the group not already chosen by another open shrink. */
export async function shrinkCandidates(
  tx: Prisma.TransactionClient,
  templateId: string,
  accountId: string,
  taskId: string,
) {
  const taken = await tx.taskItem.findMany({
    where: {
      action: 'delete',
      taskId: { not: taskId },
      task: { templateId, status: { in: ['queued', 'running', 'cancelling'] } },
      state: { in: ['planned', 'submitted', 'waiting'] },
    },
    select: { instanceId: true },
  });
  const excluded = new Set(taken.map((t) => t.instanceId));
  const rows = await tx.instance.findMany({
    where: { templateId, accountId, deletedAt: null, status: { notIn: ['deleting', 'deleted'] } },
    select: { id: true, providerId: true, status: true, firstSeenAt: true, launchedAt: true },
  });
  return rows.filter((r) => !excluded.has(r.providerId) && !r.providerId.startsWith('job:'));
}

/** Item rows for machines to delete, in the order given. */
export function deleteItems(taskId: string, providerIds: string[]): Prisma.TaskItemCreateManyInput[] {
  return providerIds.map((instanceId, i) => ({
    taskId,
    seq: i + 1,
    action: 'delete',
    marker: `${taskId}:d${i + 1}`,
    instanceId,
  }));
}
