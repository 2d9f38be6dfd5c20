/**
 * Which machines a shrink by count deletes. Machines in error or unknown
 * state go first (they serve nobody), then the policy's order (newest or
 * oldest first), ties broken by id so two runs choose alike. Machines
 * another open shrink already chose are left out. Victims become items
 * before any delete is sent.
 */
import type { Prisma } from '../generated/prisma/client.ts';
import type { FieldError } from '../domain/errors.ts';

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

type Live = { id: string; providerId: string; status: string };

/**
 * The group's live machines, and those not yet promised to an open shrink:
 * victims already chosen (items) are taken out one by one; a queued shrink
 * by count, whose victims are chosen when it starts, holds its count back.
 */
export async function shrinkable(tx: Prisma.TransactionClient, templateId: string) {
  const live: Live[] = await liveMembers(tx, templateId);
  const open = await tx.task.findMany({
    where: { templateId, kind: 'shrink', status: { in: ['queued', 'running', 'cancelling'] } },
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
export function explicitVictims(live: Live[], ids: string[]): { victims: string[] } | { bad: FieldError[] } {
  const byId = new Map(live.map((l) => [l.id, l]));
  const bad: FieldError[] = ids.flatMap((id, i) =>
    byId.has(id)
      ? []
      : [{ in: 'body', pointer: `/instanceIds/${i}`, detail: `${id} is not a live machine of this template's group` }],
  );
  if (bad.length) return { bad };
  const chosen = [...new Set(ids)].map((id) => byId.get(id)!);
  const broken = (c: Live) => c.status === 'error' || c.status === 'unknown';
  return { victims: [...chosen.filter(broken), ...chosen.filter((c) => !broken(c))].map((c) => c.providerId) };
}

/**
 * The group's live members: the one filter both the request's check and the victim choice use
 * (not gone or going, and not a placeholder still waiting for its platform job).
 */
export async function liveMembers(tx: Prisma.TransactionClient, templateId: string) {
  const rows = await tx.instance.findMany({
    where: { templateId, deletedAt: null, status: { notIn: ['deleting', 'deleted'] } },
    select: { id: true, providerId: true, status: true, firstSeenAt: true, launchedAt: true },
  });
  return rows.filter((r) => !r.providerId.startsWith('job:'));
}

/** Live members of the group not already chosen by another open shrink. */
export async function shrinkCandidates(tx: Prisma.TransactionClient, templateId: string, taskId: string) {
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
  return (await liveMembers(tx, templateId)).filter((r) => !excluded.has(r.providerId));
}
