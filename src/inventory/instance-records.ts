/**
 * The gateway's record of every machine it has seen, upserted by
 * (account, platform id). Lists are served from here, so filtering and
 * paging cost the same whatever the platform; syncs and single reads keep
 * it current. One statement writes a whole page of machines.
 */
import { columnList, readRows } from '../db/client.ts';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import type { Instance, ProviderInstance, Tags } from '../domain/instance.ts';
import type { MachineSpec } from '../domain/machine-spec.ts';
import { InstanceStatus } from '../domain/instance.ts';
import { ProviderKind } from '../domain/providers.ts';
import { TASK_TAG, TEMPLATE_TAG } from '../domain/tags.ts';

export interface InstanceRow {
  id: string;
  accountId: string;
  providerId: string;
  templateId: string | null;
  taskId: string | null;
  name: string | null;
  status: string;
  statusRaw: string;
  region: string | null;
  zone: string | null;
  instanceType: string | null;
  image: string | null;
  privateIps: string[];
  publicIps: string[];
  tags: unknown;
  providerData: unknown;
  launchedAt: Date | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  deletedAt: Date | null;
}

export function toInstanceView(row: InstanceRow, provider: string): Instance {
  return {
    id: row.id,
    accountId: row.accountId,
    provider: ProviderKind.parse(provider),
    providerId: row.providerId,
    templateId: row.templateId,
    taskId: row.taskId,
    name: row.name,
    status: InstanceStatus.parse(row.status),
    statusRaw: row.statusRaw,
    region: row.region,
    zone: row.zone,
    instanceType: row.instanceType,
    image: row.image,
    privateIps: row.privateIps,
    publicIps: row.publicIps,
    tags: (row.tags ?? {}) as Record<string, string>,
    providerData: (row.providerData ?? {}) as Record<string, unknown>,
    launchedAt: row.launchedAt,
    firstSeenAt: row.firstSeenAt,
    lastSeenAt: row.lastSeenAt,
    observedAt: row.lastSeenAt,
    deletedAt: row.deletedAt,
  };
}

/** A record for a machine the platform accepted but has not described yet. */
export function placeholderInstance(providerId: string, name: string, spec: MachineSpec, tags: Tags): ProviderInstance {
  return {
    providerId,
    name,
    status: 'pending',
    statusRaw: 'accepted',
    region: spec.region ?? null,
    zone: spec.zone ?? null,
    instanceType: spec.instanceType,
    image: spec.image,
    privateIps: [],
    publicIps: [],
    tags,
    launchedAt: null,
    providerData: {},
  };
}

/**
 * What a platform reports may hold NUL characters (a tag set outside Cloudplane), which PostgreSQL
 * cannot store in text or jsonb: they are dropped, so one odd machine cannot stop a whole account's sync.
 */
function withoutNul(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (Array.isArray(value)) return value.map(withoutNul);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll('\u0000', ''), withoutNul(v)]));
  }
  return value;
}

export interface Ownership {
  templateId?: string | null;
  taskId?: string | null;
}

/** The columns whose change is worth a write when a task watches its machines every second. */
const CHANGED_ONLY = Prisma.sql`WHERE (cur."status", cur."statusRaw", cur."name", cur."privateIps", cur."publicIps", cur."zone", cur."launchedAt")
  IS DISTINCT FROM (EXCLUDED."status", EXCLUDED."statusRaw", EXCLUDED."name", EXCLUDED."privateIps", EXCLUDED."publicIps", EXCLUDED."zone", COALESCE(EXCLUDED."launchedAt", cur."launchedAt"))
  OR cur."templateId" IS DISTINCT FROM COALESCE(cur."templateId", EXCLUDED."templateId")
  OR cur."taskId" IS DISTINCT FROM COALESCE(cur."taskId", EXCLUDED."taskId")
  OR cur."deletedAt" IS NOT NULL`;

/**
 * The template a machine's tag names, when that template is this account's: a machine made by a
 * single create whose answer was lost is a member once a sync sees it, and shrinks like any other.
 * Machines a task made (they carry its tag too) are left to the task and the orphan audit, which
 * apply the template's orphan policy and keep a duplicate made by a late create out of the group.
 */
const taggedTemplate = (accountId: string) => Prisma.sql`
  SELECT t."id" FROM "Template" t
  WHERE t."accountId" = ${accountId}::uuid AND t."deletedAt" IS NULL AND t."id"::text = r."tags"->>${TEMPLATE_TAG} AND (r."tags" ->> ${TASK_TAG}) IS NULL`;

/** The one statement that writes what a platform reported into Instance rows (see `upsert`). */
function upsertStatement(accountId: string, seen: ProviderInstance[], owner: Ownership, touchUnchanged: boolean) {
  const rows = seen.map((i) => ({ ...i, launchedAt: i.launchedAt?.toISOString() ?? null }));
  // A NUL is rare: one serialization, and a second only without them when the first holds one.
  let payload = JSON.stringify(rows);
  if (payload.includes('\\u0000')) payload = JSON.stringify(rows.map(withoutNul));
  return Prisma.sql`
        INSERT INTO "Instance" AS cur ("id","accountId","providerId","templateId","taskId","name","status","statusRaw",
          "region","zone","instanceType","image","privateIps","publicIps","tags","providerData","launchedAt",
          "firstSeenAt","lastSeenAt","deletedAt")
        SELECT gen_random_uuid(), ${accountId}::uuid, r."providerId",
          COALESCE(${owner.templateId ?? null}::uuid, (${taggedTemplate(accountId)})), ${owner.taskId ?? null}::uuid,
          r."name", r."status"::"InstanceStatus", r."statusRaw", r."region", r."zone", r."instanceType", r."image",
          ARRAY(SELECT jsonb_array_elements_text(r."privateIps")), ARRAY(SELECT jsonb_array_elements_text(r."publicIps")),
          r."tags", r."providerData", r."launchedAt", now(), now(), CASE WHEN r."status" = 'deleted' THEN now() END
        FROM jsonb_to_recordset(${payload}::jsonb) AS r("providerId" text, "name" text, "status" text, "statusRaw" text,
          "region" text, "zone" text, "instanceType" text, "image" text, "privateIps" jsonb, "publicIps" jsonb,
          "tags" jsonb, "providerData" jsonb, "launchedAt" timestamptz)
        ON CONFLICT ("accountId","providerId") DO UPDATE SET
          "name" = EXCLUDED."name", "status" = EXCLUDED."status", "statusRaw" = EXCLUDED."statusRaw",
          "region" = EXCLUDED."region", "zone" = EXCLUDED."zone", "instanceType" = EXCLUDED."instanceType",
          "image" = EXCLUDED."image", "privateIps" = EXCLUDED."privateIps", "publicIps" = EXCLUDED."publicIps",
          "tags" = EXCLUDED."tags", "providerData" = EXCLUDED."providerData",
          "launchedAt" = COALESCE(EXCLUDED."launchedAt", cur."launchedAt"),
          "templateId" = COALESCE(cur."templateId", EXCLUDED."templateId"),
          "taskId" = COALESCE(cur."taskId", EXCLUDED."taskId"),
          "lastSeenAt" = now(),
          "deletedAt" = CASE WHEN EXCLUDED."status" = 'deleted' THEN COALESCE(cur."deletedAt", now()) ELSE NULL END
        ${touchUnchanged ? Prisma.empty : CHANGED_ONLY}`;
}

/** What a page of the instance list is filtered by; `after` is the keyset position (newest first). */
export interface InstanceListFilter {
  accountId?: string | undefined;
  templateId?: string | undefined;
  status?: string | undefined;
  provider?: string | undefined;
  includeDeleted: boolean;
  tag?: { key: string; value: string } | undefined;
  after?: { at: Date; id: string } | undefined;
  take: number;
}

/** What the read statements return: every column of the record, its status as text, its account's platform. */
const RECORD_FIELDS = [
  'id',
  'accountId',
  'providerId',
  'templateId',
  'taskId',
  'name',
  'statusRaw',
  'region',
  'zone',
  'instanceType',
  'image',
  'privateIps',
  'publicIps',
  'tags',
  'providerData',
  'launchedAt',
  'firstSeenAt',
  'lastSeenAt',
  'deletedAt',
] as const satisfies readonly (keyof InstanceRow)[];
const READ_COLUMNS = `${columnList(RECORD_FIELDS, 'i')}, i."status"::text AS "status", a."provider"`;
/**
 * A page of the list as one statement per combination of filters: every fragment is constant and
 * every value a parameter, so each combination is one named statement with a plan of its own (an
 * account's page keeps its index). The list is what dashboards poll; through Prisma, mapping its
 * rows cost more than the rest of the request (bench/README.md).
 */
function listStatement(f: InstanceListFilter): { statement: { name: string; text: string }; values: unknown[] } {
  const values: unknown[] = [];
  const param = (v: unknown) => `$${values.push(v)}`;
  const where: string[] = [];
  let shape = 0;
  const when = (bit: number, on: boolean, fragment: () => string) => {
    if (!on) return;
    shape |= bit;
    where.push(fragment());
  };
  when(1, !!f.accountId, () => `i."accountId" = ${param(f.accountId)}::uuid`);
  when(2, !!f.templateId, () => `i."templateId" = ${param(f.templateId)}::uuid`);
  when(4, !!f.status, () => `i."status" = ${param(f.status)}::"InstanceStatus"`);
  when(8, !!f.provider, () => `a."provider" = ${param(f.provider)}`);
  when(16, !f.includeDeleted, () => `i."deletedAt" IS NULL`);
  when(32, !!f.tag, () => `i."tags" ->> ${param(f.tag!.key)} = ${param(f.tag!.value)}`);
  when(
    64,
    !!f.after,
    () => `(i."firstSeenAt", i."id") < (${param(f.after!.at)}::timestamptz, ${param(f.after!.id)}::uuid)`,
  );
  const text = `SELECT ${READ_COLUMNS} FROM "Instance" i
    JOIN "Account" a ON a."id" = i."accountId"
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY i."firstSeenAt" DESC, i."id" DESC LIMIT ${param(f.take)}::int`;
  return { statement: { name: `instance-list-${shape}`, text }, values };
}

/** One machine and its account's platform: a cached read's whole query. */
const FIND_WITH_KIND = {
  name: 'instance-find-with-kind',
  text: `SELECT ${READ_COLUMNS} FROM "Instance" i
    JOIN "Account" a ON a."id" = i."accountId" WHERE i."id" = $1::uuid`,
};

export function createInstanceRecords(prisma: PrismaClient) {
  return {
    /**
     * Records what a platform reported and returns the rows written. Ownership (template, task) is
     * set once and never overwritten by a later plain sync; a machine with no owner given joins the
     * template its tag names (see taggedTemplate).
     */
    upsert(
      accountId: string,
      seen: ProviderInstance[],
      owner: Ownership = {},
      /** false: leave rows whose content did not change alone (no write, not returned); a sync needs true for lastSeenAt. */
      touchUnchanged = true,
    ): Promise<InstanceRow[]> {
      if (seen.length === 0) return Promise.resolve([]);
      return prisma.$queryRaw<InstanceRow[]>`${upsertStatement(accountId, seen, owner, touchUnchanged)} RETURNING *`;
    },

    /** As `upsert`, for callers that need no rows back (the engine's rounds): returns how many were written. */
    record(accountId: string, seen: ProviderInstance[], owner: Ownership = {}, touchUnchanged = true): Promise<number> {
      if (seen.length === 0) return Promise.resolve(0);
      return prisma.$executeRaw`${upsertStatement(accountId, seen, owner, touchUnchanged)}`;
    },

    /** Marks one machine gone (the platform answered "no such machine"). */
    async markDeleted(id: string): Promise<InstanceRow> {
      return prisma.instance.update({
        where: { id },
        data: { status: 'deleted', deletedAt: new Date(), lastSeenAt: new Date() },
      });
    },

    /**
     * After a full pass over the platform's list: the live records it did not see — except ones
     * first seen so recently that the list may still lag behind their create, and placeholders
     * awaiting a job. Whether they are gone is the caller's to decide (see instance-sync.ts).
     */
    unseenSince(accountId: string, passStartedAt: Date, listLagMs: number) {
      const lagCutoff = new Date(passStartedAt.getTime() - listLagMs);
      return prisma.instance.findMany({
        where: {
          accountId,
          deletedAt: null,
          lastSeenAt: { lt: passStartedAt },
          firstSeenAt: { lt: lagCutoff },
          NOT: { providerId: { startsWith: 'job:' } },
        },
        select: { id: true, providerId: true },
      });
    },

    /** Marks these records gone. */
    async markManyDeleted(ids: string[]): Promise<number> {
      if (ids.length === 0) return 0;
      const done = await prisma.instance.updateMany({
        where: { id: { in: ids }, deletedAt: null },
        data: { status: 'deleted', deletedAt: new Date() },
      });
      return done.count;
    },

    find: (id: string) =>
      prisma.instance.findUnique({ where: { id }, include: { account: { select: { provider: true } } } }),

    /** A page of machines, newest first, each with its account's platform. */
    list(filter: InstanceListFilter): Promise<(InstanceRow & { provider: string })[]> {
      const { statement, values } = listStatement(filter);
      return readRows<InstanceRow & { provider: string }>(prisma, statement, values);
    },

    /** One record and its account's provider kind, in one indexed read: what a cached read needs. */
    async findWithKind(id: string): Promise<(InstanceRow & { provider: string }) | null> {
      const rows = await readRows<InstanceRow & { provider: string }>(prisma, FIND_WITH_KIND, [id]);
      return rows[0] ?? null;
    },
  };
}

export type InstanceRecords = ReturnType<typeof createInstanceRecords>;
