/**
 * Machine usage from BridgX's cost API (A63, catalog §4.25–4.26, §5.3): one call per day
 * (`date` is YYYY-MM-DD in the platform's zone, +08:00, D16), one record per power-on interval,
 * `startup_time` in seconds. The API takes no account (D9), so records are kept to the clusters
 * of this account's AccessKey.
 */
import { ProviderError, type UsageRecord } from '../contract.ts';
import { parseData, type BridgxClient } from './client.ts';
import { daysFrom, toPlatformDay } from './time.ts';
import { WireClusterList, WireUsageList } from './wire.ts';

/** Longest range one getUsage reads: a call per day, so a quarter at most. */
export const MAX_USAGE_DAYS = 92;

const invalid = (detail: string) => new ProviderError('bridgx', 'usage.get', 'invalid', undefined, detail);

export function createUsage(client: BridgxClient) {
  const { options } = client;

  return {
    async getUsage(range: { from: string; to: string }): Promise<UsageRecord[]> {
      const from = toPlatformDay(range.from);
      const to = toPlatformDay(range.to);
      if (!from || !to) throw invalid('from and to are dates (YYYY-MM-DD) or ISO 8601 instants');
      const days = daysFrom(from, to);
      if (days.length === 0) throw invalid('from is after to');
      if (days.length > MAX_USAGE_DAYS) throw invalid(`at most ${MAX_USAGE_DAYS} days per call`);

      const clusters = new Set(
        (
          await client.all(
            {
              method: 'GET',
              path: '/cluster/describe_all',
              operation: 'usage.get',
              idempotent: true,
              query: { account: options.accountKey },
            },
            (data) => {
              const page = parseData('usage.get', WireClusterList, data);
              return { items: page.cluster_list, total: page.pager.total };
            },
          )
        ).map((c) => c.cluster_name),
      );

      const out: UsageRecord[] = [];
      for (const day of days) {
        const rows = await client.all(
          {
            method: 'GET',
            path: '/instance/usage_statistics',
            operation: 'usage.get',
            idempotent: true,
            query: { date: day },
          },
          (data) => {
            const page = parseData('usage.get', WireUsageList, data);
            return { items: page.instance_list, total: page.pager.total };
          },
        );
        // Several power-on intervals of one machine on one day add up.
        const byMachine = new Map<string, UsageRecord>();
        for (const r of rows) {
          if (!clusters.has(r.cluster_name)) continue;
          const seen = byMachine.get(r.instance_id);
          if (seen) seen.seconds += Math.max(0, r.startup_time);
          else
            byMachine.set(r.instance_id, {
              instanceId: r.instance_id,
              day,
              seconds: Math.max(0, r.startup_time),
              groupId: r.cluster_name,
            });
        }
        out.push(...[...byMachine.values()].sort((a, b) => a.instanceId.localeCompare(b.instanceId)));
      }
      return out;
    },
  };
}
