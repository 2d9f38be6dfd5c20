/**
 * Carrying out the steps decide.ts chose. Bookkeeping steps are plain row
 * updates. A create or delete writes the item (state, submittedAt,
 * attempts) BEFORE the platform call and the machine's id right after, so
 * a crash at any instant leaves a row that reconciliation understands.
 */
import type { Prisma } from '../generated/prisma/client.ts';
import type { MachineSpec } from '../domain/machine-spec.ts';
import { ProviderError, UnsupportedOperationError } from '../providers/contract.ts';
import type { Step } from './decide.ts';
import { machineFailure } from './outcome.ts';
import { itemRows } from './item-rows.ts';
import type { EngineDeps } from './engine-deps.ts';
import type { NewEvent } from './events.ts';
import type { ItemRow, RoundContext } from './observe.ts';

export { TASK_TAG, TEMPLATE_TAG } from '../domain/tags.ts';

const BACKOFF_BASE_MS = 500;
const BACKOFF_MAX_MS = 30_000;

/** Exponential backoff with jitter in [½, 1] of the step, or the platform's own Retry-After. */
export function retryDelay(attempts: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, BACKOFF_MAX_MS);
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

const errorFields = (err: ProviderError | UnsupportedOperationError) =>
  err instanceof ProviderError
    ? { errorCode: err.providerCode ?? err.kind, errorMessage: err.providerMessage ?? err.message }
    : { errorCode: 'unsupported', errorMessage: err.message };

export interface StepContext extends RoundContext {
  spec: MachineSpec;
  events: NewEvent[];
}

type Update = Prisma.TaskItemUpdateInput;

/**
 * Applies a round's bookkeeping steps: the common ones (succeed, cancel,
 * rolled back) as one statement each for all items, the rest item by item.
 * A round over a thousand machines must not cost a thousand round trips.
 */
export async function applyBookkeepingBatch(
  deps: EngineDeps,
  ctx: StepContext,
  steps: { item: ItemRow; step: Step }[],
): Promise<void> {
  const ids = (pred: (x: { item: ItemRow; step: Step }) => boolean) => steps.filter(pred).map((x) => x.item);
  const succeededCreates = ids((x) => x.step.do === 'succeed' && x.item.action === 'create');
  const succeededDeletes = ids((x) => x.step.do === 'succeed' && x.item.action === 'delete');
  const cancelled = ids((x) => x.step.do === 'cancel');
  const rolledBack = ids((x) => x.step.do === 'rolled_back');
  const gone = [...succeededDeletes, ...rolledBack].map((i) => i.instanceId).filter((id): id is string => id !== null);

  const rows = itemRows(deps.prisma);
  const idsOf = (items: ItemRow[]) => items.map((i) => i.id);
  await Promise.all([
    rows.settle(idsOf([...succeededCreates, ...succeededDeletes]), 'succeeded'),
    rows.settle(idsOf(cancelled), 'cancelled'),
    rows.settle(idsOf(rolledBack), 'rolled_back'),
    gone.length
      ? deps.prisma.$executeRaw`
          UPDATE "Instance" SET "status" = 'deleted', "deletedAt" = now()
          WHERE "accountId" = ${ctx.accountId}::uuid AND "providerId" = ANY(${gone}::text[]) AND "deletedAt" IS NULL`
      : undefined,
  ]);
  for (const i of succeededCreates)
    ctx.events.push({ type: 'item.running', data: { seq: i.seq, providerId: i.instanceId } });
  for (const i of succeededDeletes)
    ctx.events.push({ type: 'item.deleted', data: { seq: i.seq, providerId: i.instanceId } });
  for (const i of rolledBack)
    ctx.events.push({ type: 'item.rolled_back', data: { seq: i.seq, providerId: i.instanceId } });

  const rest = steps.filter((x) => x.step.do === 'adopt' || x.step.do === 'fail');
  await Promise.all(rest.map(({ item, step }) => applyBookkeeping(deps, ctx, item, step)));
}

export async function applyBookkeeping(deps: EngineDeps, ctx: StepContext, item: ItemRow, step: Step): Promise<void> {
  const write = (data: Update) => itemRows(deps.prisma).patch(item.id, data);
  switch (step.do) {
    case 'cancel':
      await write({ state: 'cancelled' });
      return;
    case 'adopt': {
      const m = step.machine;
      const state = m.status === 'running' ? 'succeeded' : m.status === 'error' ? 'failed' : 'waiting';
      // An earlier attempt's error (a 500 whose create took effect after all) is not this item's outcome.
      await write({
        state,
        instanceId: m.providerId,
        ...(state === 'failed'
          ? { errorCode: machineFailure(m).code, errorMessage: machineFailure(m).message }
          : { errorCode: null, errorMessage: null }),
      });
      ctx.events.push({ type: 'item.found', data: { seq: item.seq, providerId: m.providerId, status: m.status } });
      return;
    }
    case 'succeed':
      await write({ state: 'succeeded', errorCode: null, errorMessage: null });
      if (item.action === 'delete' && item.instanceId) {
        await deps.prisma.instance.updateMany({
          where: { accountId: ctx.accountId, providerId: item.instanceId, deletedAt: null },
          data: { status: 'deleted', deletedAt: new Date() },
        });
      }
      ctx.events.push({
        type: item.action === 'create' ? 'item.running' : 'item.deleted',
        data: { seq: item.seq, providerId: item.instanceId ?? step.machine?.providerId },
      });
      return;
    case 'fail':
      await write({ state: 'failed', errorCode: step.code, errorMessage: step.message });
      ctx.events.push({ type: 'item.failed', data: { seq: item.seq, code: step.code, message: step.message } });
      return;
    case 'rolled_back':
      await write({ state: 'rolled_back' });
      if (item.instanceId) {
        await deps.prisma.instance.updateMany({
          where: { accountId: ctx.accountId, providerId: item.instanceId, deletedAt: null },
          data: { status: 'deleted', deletedAt: new Date() },
        });
      }
      ctx.events.push({ type: 'item.rolled_back', data: { seq: item.seq, providerId: item.instanceId } });
      return;
    default:
      return;
  }
}

/** Sends one delete (a shrink victim, or a rollback of a machine this task made). */
export async function sendDelete(deps: EngineDeps, ctx: StepContext, item: ItemRow): Promise<void> {
  const attempts = item.attempts + 1;
  const rollingBack = item.state === 'rolling_back';
  const rows = itemRows(deps.prisma);
  await rows.patch(item.id, {
    state: rollingBack ? 'rolling_back' : 'submitted',
    submittedAt: new Date(),
    attempts,
    nextAttemptAt: null,
  });
  try {
    if (!item.instanceId) throw new Error(`item ${item.seq} has no machine to delete`);
    await deps.limits.run(ctx.accountId, ctx.limit, () => ctx.provider.deleteInstance(item.instanceId!));
    if (!rollingBack) await rows.patch(item.id, { state: 'waiting' });
    ctx.events.push({
      type: rollingBack ? 'item.rollback_sent' : 'item.delete_sent',
      data: { seq: item.seq, providerId: item.instanceId },
    });
  } catch (err) {
    await onCallError(deps, ctx, item, attempts, err, 'delete');
  }
}

export async function onCallError(
  deps: EngineDeps,
  ctx: StepContext,
  item: ItemRow,
  attempts: number,
  err: unknown,
  call: 'create' | 'delete',
) {
  if (!(err instanceof ProviderError) && !(err instanceof UnsupportedOperationError)) throw err;
  const fields = errorFields(err);
  // A create the platform may have acted on: timed out, failed with a 5xx, or answered with a body we
  // could not read. It stays submitted and is reconciled by its marker, with the list-lag clock
  // restarted now, when the call ended: the platform may have accepted it at the last moment.
  const ambiguousCreate =
    call === 'create' &&
    err instanceof ProviderError &&
    (err.retryable || err.kind === 'malformed') &&
    err.kind !== 'rate_limited';
  if (err instanceof ProviderError && (err.retryable || ambiguousCreate)) {
    // 429: the platform did not act, so a create may simply be sent again later.
    const notActed = err.kind === 'rate_limited' || call === 'delete';
    const state = notActed && item.state !== 'rolling_back' ? (call === 'create' ? 'planned' : 'submitted') : undefined;
    const delay = retryDelay(attempts, err.retryAfterMs);
    await itemRows(deps.prisma).patch(item.id, {
      ...fields,
      nextAttemptAt: new Date(Date.now() + delay),
      ...(state ? { state } : {}),
      ...(ambiguousCreate ? { submittedAt: new Date() } : {}),
    });
    ctx.events.push({ type: 'item.retry', data: { seq: item.seq, call, ...fields, inMs: delay } });
    return;
  }
  if (call === 'delete' && err instanceof ProviderError && err.kind === 'not_found') {
    await itemRows(deps.prisma).patch(item.id, { state: item.state === 'rolling_back' ? 'rolled_back' : 'succeeded' });
    return;
  }
  await itemRows(deps.prisma).patch(item.id, { state: 'failed', ...fields });
  ctx.events.push({ type: 'item.failed', data: { seq: item.seq, call, ...fields } });
}
