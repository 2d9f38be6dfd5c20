/**
 * Runs one expand or shrink task to its end, or resumes it: the job may be
 * a retry after a crash at any point, so every round starts from the item
 * rows and a fresh look at the platform, never from memory.
 *
 * Round: reload task → settle: the items that may have a machine, a page
 * at a time (observe the page's machines, decide a step per item, write the
 * bookkeeping) → send: the creates decided, then the creates never sent,
 * streamed from the item rows, within the account's limits → save counts →
 * sleep unless something changed. A round holds a few pages of items, never
 * the whole task, and lists only the machines of the items it looks at, so
 * its cost follows the work in flight, not the task's size (see "Cost of a
 * round" in docs/tasks.md). Ends when no item is active
 * (then rollback, if asked and needed), when the deadline passes, or when
 * the worker is stopping (the job is released to another worker).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { BaseAccountOptions, ProviderError, UnsupportedOperationError } from '../providers/contract.ts';
import { openSpec, templateNamePrefix } from '../db/template-spec.ts';
import { decideCreate, decideDelete, type Step } from './decide.ts';
import type { EngineDeps } from './engine-deps.ts';
import { finishTask, saveProgress } from './finish.ts';
import type { AccountLimit } from '../budget/account-budget.ts';
import { forEachLimited, forEachLimitedAsync } from './for-each-limited.ts';
import { markerPrefix, seqWidth } from './markers.ts';
import { observe, type ItemRow, type Observation, type RoundMemo } from './observe.ts';
import { createFeed, hasActiveItems, pages, settlePage } from './item-pages.ts';
import { ACTIVE_ITEM_STATES } from './outcome.ts';
import { lockTemplate } from './scheduling.ts';
import { sendCreates } from './create-batch.ts';
import { groupRound } from './group-round.ts';
import { applyBookkeepingBatch, sendDelete, type StepContext } from './steps.ts';
import { itemRows } from './item-rows.ts';
import { orderVictims, shrinkCandidates } from './victims.ts';

export class WorkerStopping extends Error {
  constructor() {
    super('the worker is stopping; the task continues elsewhere');
    this.name = 'WorkerStopping';
  }
}

interface TaskParams {
  onFailure?: 'keep' | 'rollback';
  policy?: 'newest' | 'oldest';
  count?: number;
  /** Fixed when the items were planned; older tasks fall back to the template's prefix. */
  markerPrefix?: string;
}

const ITEM_SELECT = {
  id: true,
  seq: true,
  action: true,
  state: true,
  marker: true,
  instanceId: true,
  jobId: true,
  callSeq: true,
  attempts: true,
  submittedAt: true,
  nextAttemptAt: true,
} as const;

/**
 * queued → running, in one transaction under the template lock that first
 * re-checks the task is still queued and still the template's active task
 * (a cancel may have won the race). A shrink by count chooses its victims
 * here, from records just synced with the platform, before any delete.
 */
async function start(deps: EngineDeps, taskId: string): Promise<boolean> {
  const { prisma, settings } = deps;
  const task = await prisma.task.findUniqueOrThrow({ where: { id: taskId }, include: { account: true } });
  const params = task.params as TaskParams;
  const choosesVictims = task.kind === 'shrink' && params.count !== undefined;
  if (choosesVictims) await deps.sync.syncAccount(task.account);
  const started = await prisma.$transaction(async (tx) => {
    await lockTemplate(tx, task.templateId);
    const current = await tx.task.findUniqueOrThrow({
      where: { id: taskId },
      select: { status: true, template: { select: { activeTaskId: true } } },
    });
    if (current.status !== 'queued' || current.template.activeTaskId !== taskId) {
      deps.logger.info(
        { taskId, status: current.status, activeTaskId: current.template.activeTaskId },
        'task not started: it changed while its victims were read',
      );
      return false;
    }
    if (choosesVictims && (await tx.taskItem.count({ where: { taskId } })) === 0) {
      const victims = orderVictims(await shrinkCandidates(tx, task.templateId, taskId), params.policy ?? 'newest')
        .slice(0, params.count)
        .map((v) => v.providerId);
      await itemRows(tx).planDeletes(taskId, victims);
      await deps.events.append(
        taskId,
        [{ type: 'task.victims_chosen', data: { count: victims.length, asked: params.count, providerIds: victims } }],
        tx,
      );
    }
    const now = new Date();
    await tx.task.update({
      where: { id: taskId },
      data: { status: 'running', startedAt: now, deadlineAt: new Date(now.getTime() + settings.deadlineMs) },
    });
    await deps.events.append(taskId, [{ type: 'task.started' }], tx);
    return true;
  });
  if (started) await saveProgress(deps, taskId);
  return started;
}

function accountLimit(deps: EngineDeps, options: unknown): AccountLimit & { listLagMs?: number } {
  const o = BaseAccountOptions.safeParse(options ?? {});
  const opts = o.success ? o.data : {};
  return {
    concurrency: opts.concurrency ?? deps.settings.accountConcurrency,
    ratePerSecond: opts.ratePerSecond ?? deps.settings.accountRatePerSecond,
    listLagMs: opts.listLagMs,
  };
}

/** Starts a rollback of everything this task created, once, when a create failed for good. */
async function beginRollback(deps: EngineDeps, taskId: string): Promise<boolean> {
  const machines = await itemRows(deps.prisma).startRollback(taskId);
  await deps.events.append(taskId, [{ type: 'task.rollback_started', data: { machines } }]);
  return machines > 0;
}

const HALT_CHECK_MS = 250;
/**
 * A round sends new creates for at most this long (or a poll period, if longer) before it looks at
 * the platform again, so a very long round still counts the machines that already run. Each pause
 * costs a list pass and a lull in the calls (`npm run bench`: a 1 s window took an expand of 1,000
 * from ratio 1.19 to 1.56), so it is long; counts are saved every second regardless.
 */
const MIN_SEND_WINDOW_MS = 10_000;
/** Task counts on the row are this fresh at worst while a round sends calls. */
const PROGRESS_EVERY_MS = 1_000;

/**
 * While a round sends calls: polls the task row so new creates stop soon after a cancel or the
 * deadline, and saves the counts every second, so a dashboard sees a long round move.
 */
function watchRound(deps: EngineDeps, taskId: string, deadlineAt: Date | null) {
  let halted = false;
  let lastProgress = Date.now();
  let saving: Promise<unknown> | undefined;
  const timer = setInterval(() => {
    if (deadlineAt && Date.now() > deadlineAt.getTime()) halted = true;
    deps.prisma.task
      .findUnique({ where: { id: taskId }, select: { status: true } })
      .then((t) => {
        if (t?.status !== 'running') halted = true;
      })
      .catch(() => undefined);
    if (!saving && Date.now() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = Date.now();
      saving = saveProgress(deps, taskId)
        .catch(() => undefined)
        .finally(() => (saving = undefined));
    }
  }, HALT_CHECK_MS);
  return {
    halted: () => halted,
    async stop() {
      clearInterval(timer);
      await saving;
    },
  };
}

export async function runTask(deps: EngineDeps, taskId: string, stopping: AbortSignal): Promise<void> {
  const { prisma, settings } = deps;
  const first = await prisma.task.findUnique({ where: { id: taskId }, include: { template: true } });
  if (!first) {
    // A job this database never made: another deployment shares the Redis prefix and queue.
    deps.logger.warn({ taskId }, 'a job names a task this database does not have; is CLOUDPLANE_REDIS_PREFIX shared?');
    return;
  }
  if (['succeeded', 'partially_succeeded', 'failed', 'cancelled'].includes(first.status)) return;
  // Not this task's turn: the hand-over adds a job when it is.
  if (first.template.activeTaskId !== taskId) {
    deps.logger.info(
      { taskId, activeTaskId: first.template.activeTaskId },
      'job left alone: another task holds the template; this one starts when it is handed over',
    );
    return;
  }
  // A task that did not start (cancelled meanwhile, or handed elsewhere) is not ours to run or finish.
  if (first.status === 'queued') {
    // A platform refusal while choosing victims (credentials revoked) will not pass: the task ends
    // with the platform's word instead of being retried for ever before it ever starts.
    const started = await start(deps, taskId).catch(async (err: unknown) => {
      if (!(err instanceof UnsupportedOperationError) && !(err instanceof ProviderError && !err.retryable)) throw err;
      const abort =
        err instanceof ProviderError
          ? { code: err.providerCode ?? err.kind, message: err.providerMessage ?? err.message }
          : { code: 'unsupported', message: err.message };
      await finishTask(
        deps,
        { id: taskId, kind: first.kind, templateId: first.templateId },
        {
          cancelRequested: false,
          deadlineExceeded: false,
          abort,
        },
      );
      return false;
    });
    if (!started) return;
  }

  const task = await prisma.task.findUniqueOrThrow({
    where: { id: taskId },
    include: { template: true, account: true },
  });
  const params = task.params as TaskParams;
  const provider = deps.providers.forRow(task.account);
  const limit = accountLimit(deps, task.account.options);
  const namePrefix = templateNamePrefix(task.template);
  const ctx: StepContext = {
    taskId,
    templateId: task.templateId,
    accountId: task.accountId,
    provider,
    limit,
    markerPrefix: params.markerPrefix ?? markerPrefix(namePrefix, taskId),
    seqWidth: seqWidth(task.requested),
    seqCount: task.requested,
    listLagMs: limit.listLagMs ?? provider.definition.listLagMs,
    spec: openSpec(task.template.spec, deps.box),
    events: [],
  };
  // Platforms that scale their own groups take the group path (group-round.ts); the strategy is the
  // platform definition's, never its name.
  const groupScaling = ['native_group', 'platform_tasks'].includes(provider.definition.scaling);
  const group = groupScaling ? task.template.groupId : null;
  if (groupScaling && !group) {
    await finishTask(deps, task, {
      cancelRequested: false,
      deadlineExceeded: false,
      abort: {
        code: 'no_group',
        message: 'the template has no platform group to scale (it was made before its platform group)',
      },
    });
    return;
  }
  let rollbackStarted =
    (await prisma.taskItem.count({ where: { taskId, state: { in: ['rolling_back', 'rolled_back'] } } })) > 0;

  /** A platform failure while reading it: true to try again next round; otherwise the task has ended. */
  const onReadFailure = async (err: unknown, cancelling: boolean): Promise<boolean> => {
    // A passing platform failure: look again next round. A refusal (credentials revoked, project gone)
    // will not pass: the task fails now with the platform's word, instead of waiting for its deadline.
    if (err instanceof ProviderError && err.retryable) {
      deps.logger.warn({ taskId, err: err.message }, 'could not read the platform; trying again');
      await sleep(settings.pollMs, undefined, { signal: stopping }).catch(() => undefined);
      return true;
    }
    if (err instanceof ProviderError || err instanceof UnsupportedOperationError) {
      const abort =
        err instanceof ProviderError
          ? { code: err.providerCode ?? err.kind, message: err.providerMessage ?? err.message }
          : { code: 'unsupported', message: err.message };
      await finishTask(deps, task, { cancelRequested: cancelling, deadlineExceeded: false, abort });
      return false;
    }
    throw err;
  };

  for (;;) {
    if (stopping.aborted) throw new WorkerStopping();
    const current = await prisma.task.findUniqueOrThrow({
      where: { id: taskId },
      select: { status: true, deadlineAt: true },
    });
    if (['succeeded', 'partially_succeeded', 'failed', 'cancelled'].includes(current.status)) return;
    const cancelling = current.status === 'cancelling';
    if (current.deadlineAt && Date.now() > current.deadlineAt.getTime()) {
      await finishTask(deps, task, { cancelRequested: cancelling, deadlineExceeded: true });
      return;
    }

    if (!(await hasActiveItems(prisma, taskId))) {
      const failed = await prisma.taskItem.count({ where: { taskId, state: 'failed' } });
      if (task.kind === 'expand' && params.onFailure === 'rollback' && failed > 0 && !rollbackStarted && !cancelling) {
        rollbackStarted = true;
        if (await beginRollback(deps, taskId)) continue;
      }
      await finishTask(deps, task, { cancelRequested: cancelling, deadlineExceeded: false });
      return;
    }

    if (group) {
      // The group path asks for all the machines still wanted in one call: it reads every active item.
      const items: ItemRow[] = await prisma.taskItem.findMany({
        where: { taskId, state: { in: [...ACTIVE_ITEM_STATES] } },
        orderBy: { seq: 'asc' },
        select: ITEM_SELECT,
      });
      let groupChanged: boolean;
      try {
        groupChanged = await groupRound(
          deps,
          { ...ctx, groupId: group, maxAttempts: settings.maxAttempts },
          items,
          cancelling,
        );
      } catch (err) {
        if (await onReadFailure(err, cancelling)) continue;
        return;
      }
      // The group path carried out its own steps; what is left is the round's bookkeeping.
      await flushEvents(deps, ctx);
      await saveProgress(deps, taskId);
      if (!groupChanged) await sleep(settings.pollMs, undefined, { signal: stopping }).catch(() => undefined);
      continue;
    }

    // 1. Settle: the items that may have a machine, a page at a time, each page looked up on the
    //    platform, decided and written before the next is read. Creates never sent skip this.
    let settled = 0;
    const resends: ItemRow[] = [];
    const deletes: ItemRow[] = [];
    // A cancel ends every create not sent yet, in one statement (decide.ts cancels a planned item
    // whatever the platform shows).
    if (cancelling) settled += (await itemRows(prisma).cancelPlanned(taskId)).count;
    try {
      const memo: RoundMemo = {};
      await forEachLimitedAsync(
        pages((after) => settlePage(prisma, taskId, after)),
        PAGES_AT_ONCE,
        async (page) => {
          const seen = await observe(deps, ctx, page, memo);
          const { calls, bookkeeping } = decidePage(page, seen, cancelling, ctx.listLagMs, settings.maxAttempts);
          await applyBookkeepingBatch(deps, ctx, bookkeeping);
          await flushEvents(deps, ctx);
          settled += bookkeeping.length;
          for (const c of calls) (c.step.do === 'create' ? resends : deletes).push(c.item);
        },
      );
    } catch (err) {
      if (await onReadFailure(err, cancelling)) continue;
      return;
    }

    // 2. Send: the creates decided above, then every create never sent, within the account's limits.
    //    A long round of calls must still notice a cancel (or the deadline) between calls. It also
    //    stops sending new creates after its send window, so machines that already boot are observed
    //    (and counted) while the rest of a very big task is still being sent.
    const round = watchRound(deps, taskId, current.deadlineAt);
    const sendUntil = Date.now() + Math.max(settings.pollMs, MIN_SEND_WINDOW_MS);
    let sent = 0;
    try {
      const feed = createFeed(prisma, taskId, resends, !cancelling);
      sent = await sendCreates(deps, ctx, feed, () => stopping.aborted || round.halted() || Date.now() > sendUntil);
      await forEachLimited(deletes, limit.concurrency, async (item) => {
        if (!stopping.aborted) await sendDelete(deps, ctx, item);
      });
    } finally {
      await round.stop();
    }

    await flushEvents(deps, ctx);
    await saveProgress(deps, taskId);
    // After sending calls, or while machines are changing state, the picture is already stale: look again at once.
    if (sent === 0 && deletes.length === 0 && settled === 0)
      await sleep(settings.pollMs, undefined, { signal: stopping }).catch(() => undefined);
  }
}

/** Pages of a round looked at side by side: the round's wall time is not the sum of its pages' lists. */
const PAGES_AT_ONCE = 4;

/** The round's events so far, written and announced. */
async function flushEvents(deps: EngineDeps, ctx: StepContext) {
  if (ctx.events.length === 0) return;
  await deps.events.append(ctx.taskId, ctx.events.splice(0));
  await deps.events.notify(ctx.taskId);
}

/** The step for each item of a page: calls to send, and bookkeeping to write now. */
function decidePage(
  page: ItemRow[],
  seen: Observation,
  cancelling: boolean,
  listLagMs: number,
  maxAttempts: number,
): { calls: { item: ItemRow; step: Step }[]; bookkeeping: { item: ItemRow; step: Step }[] } {
  const now = Date.now();
  const calls: { item: ItemRow; step: Step }[] = [];
  const bookkeeping: { item: ItemRow; step: Step }[] = [];
  for (const item of page) {
    const machine = seen.byItem.get(item.id);
    const job = item.jobId ? seen.jobs.get(item.jobId) : undefined;
    const observed = { machine, ...(job ? { job } : {}), now, listLagMs, maxAttempts, cancelling };
    const step: Step = item.action === 'create' ? decideCreate(item, observed) : decideDelete(item, observed);
    if (step.do === 'create' || step.do === 'delete') {
      if (item.nextAttemptAt && item.nextAttemptAt.getTime() > now) continue;
      calls.push({ item, step });
    } else if (step.do !== 'wait') {
      bookkeeping.push({ item, step });
    }
  }
  return { calls, bookkeeping };
}
