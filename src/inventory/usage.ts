/**
 * Machine-hours per day, from two sources, each row saying which:
 * - `platform`: the platform's own cost or usage API, for accounts whose
 *   platform has one (capability `usage.get`). Its days are the platform's
 *   calendar days, in the time zone its adapter states (BridgX: UTC+08:00);
 * - `lifetimes`: every other account, from the instance records: a machine
 *   counts from when it launched (or was first seen, when the platform gives
 *   no launch time) until it was deleted (or now). Days are UTC calendar days.
 * A platform's figures are not mixed with lifetimes for the same account, so
 * nothing is counted twice.
 */
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { AccountProviders } from './account-providers.ts';

export type UsageGroupBy = 'day' | 'template' | 'account';

export interface UsageQuery {
  from: string;
  to: string;
  account?: string;
  template?: string;
  groupBy: UsageGroupBy;
}

export interface UsageRow {
  day: string;
  accountId: string | null;
  templateId: string | null;
  machineHours: number;
  machines: number;
  source: 'platform' | 'lifetimes';
  timeZone: string;
}

interface Piece {
  day: string;
  accountId: string;
  templateId: string | null;
  hours: number;
  machine: string;
  source: UsageRow['source'];
  timeZone: string;
}

/** Time zones of the platforms' cost APIs, as their adapters state them; UTC when one does not say. */
const PLATFORM_ZONE = (tz: string | undefined) => tz ?? 'UTC';

export function createUsage(deps: { prisma: PrismaClient; providers: AccountProviders }) {
  async function fromLifetimes(q: UsageQuery, accountIds: string[]): Promise<Piece[]> {
    if (accountIds.length === 0) return [];
    const rows = await deps.prisma.$queryRaw<
      { day: string; accountId: string; templateId: string | null; id: string; hours: number }[]
    >`
      WITH days AS (
        -- UTC calendar days whatever the session's time zone: plain timestamps, placed at UTC.
        SELECT to_char(d, 'YYYY-MM-DD') AS day, d AT TIME ZONE 'UTC' AS starts,
          (d + interval '1 day') AT TIME ZONE 'UTC' AS ends
        FROM generate_series(${q.from}::date::timestamp, ${q.to}::date::timestamp, interval '1 day') AS d
      )
      SELECT days.day, i."accountId", i."templateId", i."id",
        EXTRACT(EPOCH FROM (
          LEAST(COALESCE(i."deletedAt", now()), days.ends)
          - GREATEST(COALESCE(i."launchedAt", i."firstSeenAt"), days.starts)
        ))::float8 / 3600 AS hours
      FROM days
      JOIN "Instance" i ON COALESCE(i."launchedAt", i."firstSeenAt") < days.ends
        AND COALESCE(i."deletedAt", now()) > days.starts
      WHERE i."accountId" = ANY(${accountIds}::uuid[])
        AND (${q.template ?? null}::uuid IS NULL OR i."templateId" = ${q.template ?? null}::uuid)
        AND i."providerId" NOT LIKE 'job:%'`;
    return rows
      .filter((r) => r.hours > 0)
      .map((r) => ({ ...r, machine: r.id, source: 'lifetimes' as const, timeZone: 'UTC' }));
  }

  async function fromPlatform(q: UsageQuery, account: Prisma.AccountGetPayload<object>): Promise<Piece[]> {
    const provider = deps.providers.forRow(account);
    const records = await provider.getUsage({ from: q.from, to: q.to });
    const byInstance = new Map(
      (
        await deps.prisma.instance.findMany({
          where: { accountId: account.id, providerId: { in: records.map((r) => r.instanceId) } },
          select: { providerId: true, templateId: true },
        })
      ).map((i) => [i.providerId, i.templateId]),
    );
    const groups = [...new Set(records.flatMap((r) => (r.groupId ? [r.groupId] : [])))];
    const byGroup = new Map(
      (
        await deps.prisma.template.findMany({
          where: { accountId: account.id, groupId: { in: groups } },
          select: { id: true, groupId: true },
        })
      ).map((t) => [t.groupId!, t.id]),
    );
    const zone = PLATFORM_ZONE(provider.definition.usageTimeZone);
    return records
      .map((r) => ({
        day: r.day,
        accountId: account.id,
        templateId: byInstance.get(r.instanceId) ?? (r.groupId ? (byGroup.get(r.groupId) ?? null) : null),
        hours: r.seconds / 3600,
        machine: r.instanceId,
        source: 'platform' as const,
        timeZone: zone,
      }))
      .filter((p) => !q.template || p.templateId === q.template);
  }

  return {
    async query(q: UsageQuery): Promise<UsageRow[]> {
      const accounts = await deps.prisma.account.findMany({ where: q.account ? { id: q.account } : {} });
      // A deleted account's platform is not asked (its credentials are erased); its records still count.
      const platform = accounts.filter((a) => !a.deletedAt && deps.providers.forRow(a).supports('usage.get'));
      const pieces = [
        ...(await fromLifetimes(
          q,
          accounts.filter((a) => !platform.includes(a)).map((a) => a.id),
        )),
        ...(await Promise.all(platform.map((a) => fromPlatform(q, a)))).flat(),
      ];
      const rows = new Map<string, UsageRow & { ids: Set<string> }>();
      for (const p of pieces) {
        const accountId = q.groupBy === 'account' ? p.accountId : null;
        const templateId = q.groupBy === 'template' ? p.templateId : null;
        const key = [p.day, p.source, p.timeZone, accountId, templateId].join('|');
        const row = rows.get(key) ?? {
          day: p.day,
          accountId,
          templateId,
          machineHours: 0,
          machines: 0,
          source: p.source,
          timeZone: p.timeZone,
          ids: new Set<string>(),
        };
        row.machineHours += p.hours;
        row.ids.add(p.machine);
        rows.set(key, row);
      }
      return [...rows.values()]
        .map(({ ids, ...r }) => ({ ...r, machines: ids.size, machineHours: Math.round(r.machineHours * 1000) / 1000 }))
        .sort((a, b) => a.day.localeCompare(b.day) || a.source.localeCompare(b.source));
    },
  };
}

export type Usage = ReturnType<typeof createUsage>;
