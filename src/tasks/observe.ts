/**
 * One look at the platform for a page of a round's items: the machines of
 * the page's creates found by their markers in a few prefix lists (not one
 * call per machine, and not the whole task's machines: list-cover.ts picks
 * the prefixes), and the machines a shrink deletes, by id. What is seen of
 * the page's machines is recorded in Postgres at once (rows whose content
 * changed only), so the instance records follow the task closely; machines
 * of items already settled are left to the inventory's refresher.
 */
import type { ProviderInstance } from '../domain/instance.ts';
import type { ItemState } from '../domain/task.ts';
import type { JobState } from '../providers/contract.ts';
import type { Provider } from '../providers/registry.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { AccountLimit } from '../budget/account-budget.ts';
import { forEachLimited } from './for-each-limited.ts';
import { listCover } from './list-cover.ts';

export interface RoundContext {
  taskId: string;
  templateId: string;
  accountId: string;
  provider: Provider;
  limit: AccountLimit;
  markerPrefix: string;
  /** Digits of the task's seqs in its markers, and its highest seq (see markers.ts). */
  seqWidth: number;
  seqCount: number;
  listLagMs: number;
}

/** What pages of one round share: the account's whole list, read once for a large shrink. */
export interface RoundMemo {
  accountMachines?: Promise<Map<string, ProviderInstance>>;
}

export interface ItemRow {
  id: string;
  seq: number;
  action: 'create' | 'delete';
  state: ItemState;
  marker: string;
  instanceId: string | null;
  jobId: string | null;
  /** The group call that asked for this machine (native group scaling). */
  callSeq: number | null;
  attempts: number;
  submittedAt: Date | null;
  nextAttemptAt: Date | null;
}

export interface Observation {
  byItem: Map<string, ProviderInstance | undefined>;
  jobs: Map<string, JobState>;
}

/** Above this many machines to check by id, one full list is cheaper than a call each. */
const GET_EACH_LIMIT = 25;
/** Large pages: one list call covers a page of items (adapters cap it at their platform's maximum). */
const PAGE_SIZE = 1000;
/** Prefix lists per page of items at most; they run side by side within the account's limits. */
const MAX_LISTS = 8;

/** Every machine of the account (only those whose name starts with `namePrefix`, when given), page by page within its limits. */
export async function listAll(
  deps: Pick<EngineDeps, 'limits'>,
  ctx: Pick<RoundContext, 'accountId' | 'provider' | 'limit'>,
  namePrefix?: string,
): Promise<ProviderInstance[]> {
  const seen: ProviderInstance[] = [];
  let pageToken: string | undefined;
  do {
    const page = await deps.limits.run(ctx.accountId, ctx.limit, () =>
      ctx.provider.listInstances({ pageToken, pageSize: PAGE_SIZE, namePrefix }),
    );
    seen.push(...page.items);
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken);
  return seen;
}

/**
 * The machines that may carry these items' markers: one list per prefix of the cover, side by side.
 * Items of a task planned before markers were padded are found through the task's whole prefix.
 */
async function listMarked(deps: EngineDeps, ctx: RoundContext, items: ItemRow[]): Promise<ProviderInstance[]> {
  const pad = (seq: number) => String(seq).padStart(ctx.seqWidth, '0');
  const padded = items.every((i) => i.marker === `${ctx.markerPrefix}${pad(i.seq)}`);
  const count = Math.max(ctx.seqCount, ...items.map((i) => i.seq));
  const cover = padded
    ? listCover(
        items.map((i) => i.seq),
        ctx.seqWidth,
        count,
        MAX_LISTS,
      )
    : [''];
  const lists: ProviderInstance[][] = [];
  await forEachLimited(cover, Math.min(ctx.limit.concurrency, MAX_LISTS), async (digits) => {
    lists.push(await listAll(deps, ctx, `${ctx.markerPrefix}${digits}`));
  });
  return lists.flat();
}

export async function observe(
  deps: EngineDeps,
  ctx: RoundContext,
  items: ItemRow[],
  memo: RoundMemo = {},
): Promise<Observation> {
  const byItem = new Map<string, ProviderInstance | undefined>();
  const jobs = new Map<string, JobState>();
  const creates = items.filter((i) => i.action === 'create');
  const deletes = items.filter((i) => i.action === 'delete');

  // Items never sent (planned, no attempt yet) cannot have a machine: they are not looked for.
  const couldExist = creates.filter((i) => i.state !== 'planned' || i.attempts > 0);
  if (couldExist.length > 0) {
    const mine = await listMarked(deps, ctx, couldExist);
    const byName = new Map<string, ProviderInstance[]>();
    for (const m of mine) if (m.name) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
    // Two machines with one marker: a create that took effect late beside its re-send. The item keeps
    // the machine it knows (else the first listed); the other is recorded but not made a member, so
    // the orphan audit reports it once the task has ended, instead of the group silently growing.
    const chosen = new Set<ProviderInstance>();
    for (const item of creates) {
      const same = byName.get(item.marker) ?? [];
      const pick = same.find((m) => m.providerId === item.instanceId) ?? same[0];
      if (pick) chosen.add(pick);
      byItem.set(item.id, pick);
    }
    // Recorded: the page's own machines, and any second machine with a marker. Others the lists
    // returned (items already settled, or another page's) are not this page's to write.
    const extras = mine.filter((m) => !chosen.has(m) && m.name && (byName.get(m.name)?.length ?? 0) > 1);
    await deps.records.record(ctx.accountId, [...chosen], { templateId: ctx.templateId, taskId: ctx.taskId }, false);
    await deps.records.record(ctx.accountId, extras, {}, false);

    // Not listed (yet): a create answered by a job is followed through the job, which may name the
    // machine; a machine whose id is known is read by id, since lists may lag behind a create.
    const unseen = creates.filter((i) => !byItem.get(i.id) && i.state !== 'planned');
    const pendingJobs = [...new Set(unseen.filter((i) => i.jobId).map((i) => i.jobId!))];
    if (pendingJobs.length > 0 && ctx.provider.supports('jobs.get')) {
      await forEachLimited(pendingJobs, ctx.limit.concurrency, async (jobId) => {
        jobs.set(jobId, await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.getJob(jobId)));
      });
    }
    const knownIds = new Map<string, ItemRow>();
    for (const i of unseen) {
      const id = i.instanceId ?? (i.jobId ? jobs.get(i.jobId)?.instanceIds[0] : undefined);
      if (id) knownIds.set(id, i);
    }
    if (knownIds.size > 0 && ctx.provider.supports('instances.get')) {
      const got: ProviderInstance[] = [];
      await forEachLimited([...knownIds.keys()], ctx.limit.concurrency, async (id) => {
        const m = await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.getInstance(id));
        if (m) got.push(m);
      });
      for (const m of got) byItem.set(knownIds.get(m.providerId)!.id, m);
      await deps.records.record(ctx.accountId, got, { templateId: ctx.templateId, taskId: ctx.taskId }, false);
    }
  }

  if (deletes.length > 0) {
    const ids = deletes.map((d) => d.instanceId).filter((id): id is string => id !== null);
    let found: ProviderInstance[];
    // A page-number list can miss a machine that moved between pages: "not listed" proves nothing there.
    const listProves = ctx.provider.definition.paging.consistent && ctx.provider.supports('instances.list');
    if (ids.length <= GET_EACH_LIMIT || !listProves) {
      const got: (ProviderInstance | null)[] = [];
      await forEachLimited(ids, ctx.limit.concurrency, async (id) => {
        got.push(await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.getInstance(id)));
      });
      found = got.filter((m): m is ProviderInstance => m !== null);
    } else {
      // One list of the account per round, shared by its pages.
      memo.accountMachines ??= listAll(deps, ctx).then((all) => new Map(all.map((m) => [m.providerId, m])));
      const listed = await memo.accountMachines;
      found = ids.flatMap((id) => (listed.has(id) ? [listed.get(id)!] : []));
    }
    const byId = new Map(found.map((m) => [m.providerId, m]));
    for (const item of deletes) byItem.set(item.id, item.instanceId ? byId.get(item.instanceId) : undefined);
    await deps.records.record(ctx.accountId, found, {}, false);
  }
  return { byItem, jobs };
}
