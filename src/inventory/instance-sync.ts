/**
 * One pass over an account's platform list, recorded in the instance
 * records. The background refresher (instance-refresher.ts) runs it per
 * period, a list with ?refresh=true and the engine before it picks victims
 * run it on demand. Concurrent passes for one account in a process share one.
 */
import type { Account as AccountRow, PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import type { AccountProviders } from './account-providers.ts';
import type { InstanceRecords } from './instance-records.ts';
import type { Provider } from '../providers/registry.ts';

/** A safety stop for a platform whose paging never ends (a defect we have seen in such APIs). */
const MAX_PAGES = 10_000;
const PAGE_SIZE = 500;
/** Machines an inconsistent pass missed that one sync checks by id (the rest wait for the next sync). */
const VERIFY_PER_SYNC = 50;

export function createInstanceSync(deps: {
  prisma: PrismaClient;
  records: InstanceRecords;
  providers: AccountProviders;
  logger: Logger;
}) {
  const inflight = new Map<string, Promise<void>>();

  /**
   * Machines a full pass did not see. On a platform whose pass is a consistent picture (marker
   * paging), that proves they are gone. A page-number list shifts when machines come and go
   * between pages, so one pass can miss a machine that is still there: each one is asked for by id
   * instead, and only a platform's "no such machine" marks it deleted. Without get-by-id, nothing
   * is concluded from such a pass.
   */
  async function settleUnseen(accountId: string, provider: Provider, startedAt: Date): Promise<number> {
    const unseen = await deps.records.unseenSince(accountId, startedAt, provider.definition.listLagMs);
    if (provider.definition.paging.consistent) return deps.records.markManyDeleted(unseen.map((u) => u.id));
    if (!provider.supports('instances.get')) return 0;
    const gone: string[] = [];
    for (const u of unseen.slice(0, VERIFY_PER_SYNC)) {
      const seen = await provider.getInstance(u.providerId);
      if (seen) await deps.records.record(accountId, [seen]);
      else gone.push(u.id);
    }
    return deps.records.markManyDeleted(gone);
  }

  async function run(row: AccountRow): Promise<void> {
    const provider = deps.providers.forRow(row);
    if (!provider.supports('instances.list')) return;
    // The database's clock, not ours: lastSeenAt is written with now().
    const [{ now: startedAt }] = await deps.prisma.$queryRaw<[{ now: Date }]>`SELECT now() AS now`;
    let pageToken: string | undefined;
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const page = await provider.listInstances({ pageToken, pageSize: PAGE_SIZE });
      await deps.records.record(row.id, page.items);
      if (!page.nextPageToken) {
        const gone = await settleUnseen(row.id, provider, startedAt);
        await deps.prisma.account.update({ where: { id: row.id }, data: { lastSyncedAt: startedAt } });
        if (gone) deps.logger.info({ accountId: row.id, gone }, 'machines no longer on the platform');
        return;
      }
      pageToken = page.nextPageToken;
    }
    throw new Error(`instance list of account ${row.id} did not end after ${MAX_PAGES} pages`);
  }

  function syncAccount(row: AccountRow): Promise<void> {
    let p = inflight.get(row.id);
    if (!p) {
      p = run(row).finally(() => inflight.delete(row.id));
      inflight.set(row.id, p);
    }
    return p;
  }

  return { syncAccount };
}

export type InstanceSync = ReturnType<typeof createInstanceSync>;
