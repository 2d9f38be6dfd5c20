/**
 * Instances: reads and lists are served from the gateway's records, which
 * the worker's refresher keeps current (docs/reads.md); `refresh` reads the
 * platform live, through the account's budget. Every operation on one
 * machine goes to its platform first and records what the platform then
 * reports; nothing is assumed.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { ApiError, notFound } from '../domain/errors.ts';
import type { Instance, InstanceAction, InstanceStatus, Tags } from '../domain/instance.ts';
import type { ProviderKind } from '../domain/providers.ts';
import type { SecretBox } from '../db/secret-box.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import { toInstanceView, type InstanceRecords, type InstanceRow } from '../inventory/instance-records.ts';
import type { InstanceSync } from '../inventory/instance-sync.ts';
import { createFreshness, type RefreshStatus } from '../inventory/refresh-status.ts';
import type { Provider } from '../providers/registry.ts';
import { ProviderError } from '../providers/contract.ts';
import type { IdempotencyHandle } from '../server/idempotency.ts';
import { createSingleCreate, type CreateInstanceInput } from './instance-create.ts';
import { decodeCursor, toPage } from './pagination.ts';

export interface InstanceListQuery {
  limit: number;
  cursor?: string;
  account?: string;
  provider?: ProviderKind;
  template?: string;
  status?: InstanceStatus;
  tag?: string;
  includeDeleted: boolean;
  refresh: boolean;
}

export type { CreateInstanceInput } from './instance-create.ts';

export type BulkAction = InstanceAction | 'delete';

/** The status each action leads to. */
const TARGET: Record<InstanceAction, InstanceStatus> = { start: 'running', stop: 'stopped', reboot: 'running' };
/** How often `wait=true` reads the machine from its platform. */
const WAIT_POLL_MS = 500;

interface BulkOutcome {
  id: string;
  ok: boolean;
  instance?: Instance;
  problem?: unknown;
}

export function createInstanceService(deps: {
  prisma: PrismaClient;
  providers: AccountProviders;
  records: InstanceRecords;
  sync: InstanceSync;
  box: SecretBox;
  /** Where the refresher reports failing accounts, and its list period (how old records may get). */
  freshness: { status: RefreshStatus; listEveryMs: number };
}) {
  const { prisma, records } = deps;
  const freshness = createFreshness({ prisma, ...deps.freshness });
  const createOne = createSingleCreate(deps);

  async function load(id: string) {
    const row = await prisma.instance.findUnique({ where: { id }, include: { account: true } });
    if (!row) throw notFound('instance', id);
    return { row, provider: deps.providers.forRow(row.account) };
  }

  /** Reads the machine from its platform and records what it says. */
  async function refresh(row: InstanceRow, provider: Provider): Promise<InstanceRow> {
    if (row.providerId.startsWith('job:')) return followJob(row, provider);
    if (!provider.supports('instances.get')) return row;
    const seen = await provider.getInstance(row.providerId);
    if (!seen) return row.deletedAt ? row : records.markDeleted(row.id);
    const [updated] = await records.upsert(row.accountId, [seen]);
    return updated!;
  }

  /** A create that returned only a platform job: once the job names the machine, the record takes its id. */
  async function followJob(row: InstanceRow, provider: Provider): Promise<InstanceRow> {
    const job = await provider.getJob(row.providerId.slice('job:'.length));
    if (job.state === 'running') return row;
    if (job.state === 'failed' || job.instanceIds.length === 0) {
      return prisma.instance.update({
        where: { id: row.id },
        data: {
          status: 'error',
          statusRaw: job.providerCode ?? 'job_failed',
          providerData: { job } as unknown as Prisma.InputJsonValue,
        },
      });
    }
    const updated = await prisma.instance.update({ where: { id: row.id }, data: { providerId: job.instanceIds[0]! } });
    return refresh(updated, provider);
  }

  const view = (row: InstanceRow, provider: Provider) => toInstanceView(row, provider.kind);

  /** One platform batch call for one account's machines; a machine the platform refused keeps its own problem. */
  async function batch(
    provider: Provider,
    rows: InstanceRow[],
    action: InstanceAction,
    toProblem: (err: unknown) => unknown,
    results: Map<string, BulkOutcome>,
  ) {
    try {
      const outcomes = await provider.batchAction(
        action,
        rows.map((r) => r.providerId),
      );
      const byProviderId = new Map(outcomes.map((o) => [o.instanceId, o]));
      for (const row of rows) {
        const o = byProviderId.get(row.providerId);
        if (o && !o.ok) {
          const refused = new ProviderError(
            provider.kind,
            'instances.batch_action',
            'conflict',
            o.providerCode,
            o.providerMessage,
          );
          results.set(row.id, { id: row.id, ok: false, problem: toProblem(refused) });
          continue;
        }
        results.set(row.id, { id: row.id, ok: true, instance: view(await refresh(row, provider), provider) });
      }
    } catch (err) {
      for (const row of rows) results.set(row.id, { id: row.id, ok: false, problem: toProblem(err) });
    }
  }

  async function sendAction(row: InstanceRow, provider: Provider, action: BulkAction): Promise<InstanceRow> {
    if (row.deletedAt) throw new ApiError('conflict', `instance ${row.id} is deleted`);
    const id = row.providerId;
    if (action === 'delete') {
      await provider.deleteInstance(id);
      const after = await refresh(row, provider);
      // The platform accepted the delete; until it reports otherwise the machine is on its way out.
      if (after.status !== 'deleted' && after.status !== 'deleting') {
        return prisma.instance.update({ where: { id: row.id }, data: { status: 'deleting' } });
      }
      return after;
    }
    const send = { start: provider.startInstance, stop: provider.stopInstance, reboot: provider.rebootInstance }[
      action
    ];
    await send(id);
    return refresh(row, provider);
  }

  return {
    async list(q: InstanceListQuery) {
      if (q.refresh && !q.cursor) {
        // Asked to read live: every account in scope is listed from its platform (through its budget),
        // and a failure is the answer.
        const accounts = await prisma.account.findMany({
          where: {
            id: q.account,
            provider: q.provider,
            deletedAt: null,
            // A template's machines live on its account: only that one is read.
            ...(q.template ? { templates: { some: { id: q.template } } } : {}),
          },
        });
        const results = await Promise.allSettled(accounts.map((a) => deps.sync.syncAccount(a)));
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
      }
      // The first page says which accounts in scope have records older than the refresher should allow.
      const staleAccounts = q.cursor ? [] : await freshness.staleIn({ account: q.account, provider: q.provider });
      const after = decodeCursor(q.cursor);
      const [tagKey, ...tagValue] = q.tag ? q.tag.split('=') : [];
      const rows = await records.list({
        accountId: q.account,
        templateId: q.template,
        status: q.status,
        provider: q.provider,
        includeDeleted: q.includeDeleted || q.status === 'deleted',
        tag: tagKey ? { key: tagKey, value: tagValue.join('=') } : undefined,
        after: after && { at: new Date(after.at), id: after.id },
        take: q.limit + 1,
      });
      return {
        page: toPage(
          rows,
          q.limit,
          (r) => r.firstSeenAt,
          (r) => toInstanceView(r, r.provider),
        ),
        staleAccounts,
      };
    },

    /** From the records (one indexed read, no platform call); `refresh` reads the platform live. */
    async get(id: string, opts: { refresh?: boolean } = {}): Promise<Instance> {
      if (opts.refresh) {
        const { row, provider } = await load(id);
        return view(await refresh(row, provider), provider);
      }
      const row = await records.findWithKind(id);
      if (!row) throw notFound('instance', id);
      return toInstanceView(row, row.provider);
    },

    /** One machine outside a task; see instance-create.ts for how a lost answer is made safe. */
    create: (input: CreateInstanceInput, idempotency: IdempotencyHandle | null = null): Promise<Instance> =>
      createOne(input, idempotency),

    async act(id: string, action: BulkAction): Promise<Instance> {
      const { row, provider } = await load(id);
      return view(await sendAction(row, provider, action), provider);
    },

    /**
     * Sends an action and, when asked, follows the machine until it reaches the state the action
     * leads to or the timeout passes. Platforms act asynchronously (some give no job to follow):
     * the machine's own status is the witness.
     */
    async actAndWait(id: string, action: InstanceAction, wait?: { timeoutMs: number }) {
      const { row, provider } = await load(id);
      let current = await sendAction(row, provider, action);
      const target = TARGET[action];
      if (!wait) return { instance: view(current, provider), reached: current.status === target };
      const deadline = Date.now() + wait.timeoutMs;
      while (current.status !== target && Date.now() < deadline) {
        await sleep(Math.min(WAIT_POLL_MS, Math.max(0, deadline - Date.now())));
        current = await refresh(current, provider);
        if (current.status === 'error' || current.deletedAt) break;
      }
      return { instance: view(current, provider), reached: current.status === target };
    },

    /**
     * Runs one action on many machines; each gets its own outcome. Machines of a platform with a
     * batch call go in one call per account (its per-machine answers kept); the rest a few at a time.
     */
    async bulk(ids: string[], action: BulkAction, toProblem: (err: unknown) => unknown) {
      const results = new Map<string, BulkOutcome>();
      const single: string[] = [];
      if (action === 'delete') single.push(...ids);
      else {
        const rows = await prisma.instance.findMany({ where: { id: { in: ids } }, include: { account: true } });
        const byAccount = new Map<string, typeof rows>();
        for (const r of rows) byAccount.set(r.accountId, [...(byAccount.get(r.accountId) ?? []), r]);
        for (const group of byAccount.values()) {
          const provider = deps.providers.forRow(group[0]!.account);
          if (!provider.supports('instances.batch_action') || group.some((r) => r.deletedAt)) {
            single.push(...group.map((r) => r.id));
            continue;
          }
          await batch(provider, group, action, toProblem, results);
        }
        single.push(...ids.filter((id) => !results.has(id) && !single.includes(id)));
      }
      let next = 0;
      const worker = async () => {
        while (next < single.length) {
          const id = single[next++]!;
          try {
            results.set(id, { id, ok: true, instance: await this.act(id, action) });
          } catch (err) {
            results.set(id, { id, ok: false, problem: toProblem(err) });
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(8, single.length) }, worker));
      return ids.map((id) => results.get(id)!);
    },

    async console(id: string) {
      const { row, provider } = await load(id);
      if (row.deletedAt) throw new ApiError('conflict', `instance ${id} is deleted`);
      return provider.getConsole(row.providerId);
    },

    async setTags(id: string, tags: Tags): Promise<Instance> {
      const { row, provider } = await load(id);
      await provider.setTags(row.providerId, tags);
      return view(await refresh(await prisma.instance.update({ where: { id }, data: { tags } }), provider), provider);
    },
  };
}

export type InstanceService = ReturnType<typeof createInstanceService>;
