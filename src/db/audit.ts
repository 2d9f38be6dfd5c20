/**
 * The audit log: one row per change made through the API — who (the API
 * key's id and name), what (action, resource type and id), before/after
 * snapshots, and why (a reason). Every writer comes here.
 *
 * Who is taken from the request being served (server/audit-context.ts
 * runs each request inside `actingAs`), so a service records a change
 * without every method taking the caller as an argument. Outside a request
 * (start-up, the worker) the actor is the service itself.
 *
 * A change that is a database write is recorded in the same transaction
 * (`write`); a platform action is recorded right after the platform
 * accepted it (`record`). Snapshots pass through `scrub`: nothing that
 * looks like a secret is ever stored, only whether it changed.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AuditEntry as AuditRow, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { AuditEntry, AuditResourceType } from '../domain/audit.ts';

/** Who is making the current change, and why. */
export interface AuditActor {
  keyId: string | null;
  name: string;
  reason: string | null;
  requestId: string | null;
}

/** One change to record. `reason` overrides the request's (a task's own reason field). */
export interface AuditChange {
  action: string;
  resourceType: AuditResourceType;
  resourceId: string;
  before?: unknown;
  after?: unknown;
  reason?: string | null;
}

const SYSTEM: AuditActor = { keyId: null, name: 'system', reason: null, requestId: null };
const current = new AsyncLocalStorage<() => AuditActor>();

/** Runs `fn` with `actor` as the one making changes (read lazily: auth may settle it later). */
export function actingAs<T>(actor: () => AuditActor, fn: () => T): T {
  return current.run(actor, fn);
}

const currentActor = (): AuditActor => current.getStore()?.() ?? SYSTEM;

/** Keys whose values are secrets or sealed secrets; flags about them (`passwordSet`) are booleans and stay. */
const SECRET_KEY = /password|secret|token|credential|cipher|private.?key|api.?key$/i;

/** A JSON copy of a snapshot with every secret-looking value replaced. */
export function scrub(value: NonNullable<unknown>): Prisma.InputJsonValue {
  return JSON.parse(JSON.stringify(value), (key, v: unknown) =>
    key && SECRET_KEY.test(key) && typeof v !== 'boolean' && v !== null ? '[redacted]' : v,
  ) as Prisma.InputJsonValue;
}

const snapshot = (value: unknown) => (value === undefined || value === null ? undefined : scrub(value));

export function toAuditView(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: { keyId: row.actorKeyId, name: row.actorName },
    action: row.action,
    resourceType: row.resourceType as AuditResourceType,
    resourceId: row.resourceId,
    before: row.before ?? null,
    after: row.after ?? null,
    reason: row.reason,
    requestId: row.requestId,
  };
}

export function createAuditLog(prisma: PrismaClient) {
  function data(change: AuditChange): Prisma.AuditEntryCreateManyInput {
    const actor = currentActor();
    return {
      actorKeyId: actor.keyId,
      actorName: actor.name,
      action: change.action,
      resourceType: change.resourceType,
      resourceId: change.resourceId,
      before: snapshot(change.before),
      after: snapshot(change.after),
      reason: change.reason ?? actor.reason,
      requestId: actor.requestId,
    };
  }

  return {
    /** Records changes that already happened (platform actions), or inside the caller's transaction. */
    async record(changes: AuditChange | AuditChange[], tx: Prisma.TransactionClient = prisma): Promise<void> {
      const list = Array.isArray(changes) ? changes : [changes];
      if (list.length) await tx.auditEntry.createMany({ data: list.map(data) });
    },

    /** Makes a database change and its audit entry in one transaction: both happen or neither. */
    async write<T>(
      change: (tx: Prisma.TransactionClient) => Promise<T>,
      describe: (result: T) => AuditChange | AuditChange[],
    ): Promise<T> {
      return prisma.$transaction(async (tx) => {
        const result = await change(tx);
        await this.record(describe(result), tx);
        return result;
      });
    },

    /** A page of entries; `where`/`orderBy` come from the API's filters and keyset pagination. */
    page: (where: Prisma.AuditEntryWhereInput, orderBy: Prisma.AuditEntryOrderByWithRelationInput[], take: number) =>
      prisma.auditEntry.findMany({ where, orderBy, take }),
  };
}

export type AuditLog = ReturnType<typeof createAuditLog>;
