/**
 * The background refresher (worker role): keeps the instance records
 * current so reads never have to ask the platform.
 *
 * - A list pass per account every `listEveryMs` (its last pass is the
 *   account's `lastSyncedAt`, whoever ran it: this refresher or a read with
 *   ?refresh=true).
 * - Between passes, every `hotEveryMs`, the account's hot machines — in a
 *   transition (pending, starting, stopping, rebooting, deleting) — are read
 *   by id, the longest unobserved first, at most MAX_READS_BY_ID a pass (on a
 *   platform without get-by-id, one list pass instead). Machines of an open
 *   task are left out: the task's own rounds watch and record them, and an
 *   expand of thousands made this pass a full list of the account every
 *   period, which cost the expand a third of its speed (bench/README.md).
 *
 * Each pass is taken under a lease in Redis (db/leases.ts) named for the
 * account and the kind of pass, valid for one period: however many workers
 * run, the platform sees one refresher per account. Calls go through the
 * account's budget in the `background` class, so they yield to the engine.
 * A failing account is written to the refresh status (readers name it) and
 * retried next period; the refresher never stops the worker.
 */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Account as AccountRow } from '../generated/prisma/client.ts';
import type { Leases } from '../db/leases.ts';
import type { Logger } from '../logger.ts';
import type { AccountProviders } from './account-providers.ts';
import type { InstanceRecords } from './instance-records.ts';
import type { InstanceSync } from './instance-sync.ts';
import type { RefreshStatus } from './refresh-status.ts';

/** Statuses a machine leaves on its own soon; worth reading more often than the list period. */
export const TRANSITION_STATUSES = ['pending', 'starting', 'stopping', 'rebooting', 'deleting'] as const;
/** The most hot machines one pass reads by id; the rest wait for the next pass or the list. */
const MAX_READS_BY_ID = 20;
const OPEN_TASK = ['queued', 'running', 'cancelling'] as const;

export interface RefresherSettings {
  listEveryMs: number;
  hotEveryMs: number;
}

export interface RefresherDeps {
  prisma: PrismaClient;
  records: InstanceRecords;
  /** Providers whose calls run in the budget's `background` class. */
  providers: AccountProviders;
  sync: InstanceSync;
  leases: Leases;
  status: RefreshStatus;
  logger: Logger;
  settings: RefresherSettings;
  isStoreOutage(err: unknown): boolean;
}

/** The account's hot machines that no open task watches, the longest unobserved first. */
async function hotMachines(deps: RefresherDeps, accountId: string) {
  const tasks = await deps.prisma.task.findMany({
    where: { accountId, status: { in: [...OPEN_TASK] } },
    select: { id: true },
  });
  return deps.prisma.instance.findMany({
    where: {
      accountId,
      deletedAt: null,
      // A create answered with only a job has no machine id to read yet.
      NOT: { providerId: { startsWith: 'job:' } },
      status: { in: [...TRANSITION_STATUSES] },
      ...(tasks.length ? { OR: [{ taskId: null }, { taskId: { notIn: tasks.map((t) => t.id) } }] } : {}),
    },
    select: { id: true, providerId: true, firstSeenAt: true },
    orderBy: { lastSeenAt: 'asc' },
    take: MAX_READS_BY_ID,
  });
}

/** Reads the hot machines by id (or lists the account without get-by-id); true when it did anything. */
async function refreshHot(deps: RefresherDeps, account: AccountRow): Promise<boolean> {
  const hot = await hotMachines(deps, account.id);
  if (hot.length === 0) return false;
  const provider = deps.providers.forRow(account);
  if (!provider.supports('instances.get')) {
    if (provider.supports('instances.list')) await deps.sync.syncAccount(account);
    return true;
  }
  const lagMs = provider.definition.listLagMs;
  for (const h of hot) {
    const seen = await provider.getInstance(h.providerId);
    if (seen) await deps.records.record(account.id, [seen]);
    // A machine made within the platform's lag may not be readable yet: only an older one is gone.
    else if (Date.now() - h.firstSeenAt.getTime() > lagMs) await deps.records.markDeleted(h.id);
  }
  return true;
}

/** One tick over every account: the passes that are due and whose lease this process took. */
export async function refreshDue(deps: RefresherDeps, now = Date.now()): Promise<void> {
  const accounts = await deps.prisma.account.findMany({ where: { deletedAt: null } });
  const { listEveryMs, hotEveryMs } = deps.settings;
  await Promise.all(
    accounts.map(async (account) => {
      const provider = deps.providers.forRow(account);
      if (!provider.supports('instances.list') && !provider.supports('instances.get')) return;
      const listDue =
        provider.supports('instances.list') &&
        (!account.lastSyncedAt || now - account.lastSyncedAt.getTime() >= listEveryMs);
      try {
        if (listDue) {
          if (!(await deps.leases.take(`refresher:list:${account.id}`, listEveryMs))) return;
          await deps.sync.syncAccount(account);
          await deps.status.succeeded(account.id);
        } else if (await deps.leases.take(`refresher:hot:${account.id}`, hotEveryMs)) {
          if (await refreshHot(deps, account)) await deps.status.succeeded(account.id);
        }
      } catch (err) {
        if (deps.isStoreOutage(err)) throw err;
        const message = (err as Error).message;
        await deps.status.failed(account.id, message).catch(() => undefined);
        deps.logger.warn({ accountId: account.id, err: message }, 'refreshing the records of an account failed');
      }
    }),
  );
}

/** Starts the refresher; `close()` stops it after the tick in progress. */
export function startInstanceRefresher(deps: RefresherDeps) {
  const tickMs = Math.max(100, Math.min(deps.settings.hotEveryMs, deps.settings.listEveryMs) / 2);
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    running ??= refreshDue(deps)
      .catch((err: unknown) => {
        if (!deps.isStoreOutage(err)) deps.logger.warn({ err: (err as Error).message }, 'refresher tick failed');
      })
      .finally(() => (running = undefined));
  }, tickMs);
  timer.unref();
  return {
    async close() {
      clearInterval(timer);
      await running;
    },
  };
}
