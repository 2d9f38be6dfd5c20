/**
 * BridgX's own expand and shrink tasks (A26–A29, A36). A task is written at submit, waits in
 * INIT for `taskStartMs` and behind every earlier task of its cluster, then RUNNING does its
 * machine work through the engine's group scaling, and ends SUCCESS or FAILED when its machines
 * are done (and `taskMinMs` has passed). Nothing runs while idle: every read advances the
 * organization's tasks to the clock, starting a task as of the moment it should have started,
 * so machine times, `finish_at` and the cost records are exact however late the read comes.
 */
import { expandGroup, shrinkGroup, type Random } from '../../sim/index.ts';
import {
  type BxCluster,
  type BxContext,
  type BxMachine,
  type BxTask,
  type BxTaskAction,
  cloudId,
} from './simulator-context.ts';
import {
  allocateIps,
  closeInterval,
  isLeaving,
  machinesOf,
  observe,
  observeAll,
  publicIp,
} from './simulator-machines.ts';
import { bxTime, secondsBetween, type WireValue } from './simulator-wire.ts';

export const BRIDGX_TASK_STATUSES = ['INIT', 'RUNNING', 'SUCCESS', 'FAILED'] as const;
export type BridgxTaskStatus = (typeof BRIDGX_TASK_STATUSES)[number];

/** The engine group (instance tag) of a cluster's machines; cluster ids are unique across organizations. */
function groupOf(c: BxCluster): string {
  return `bridgx:cluster:${c.clusterId}`;
}

export function taskStatus(t: BxTask): BridgxTaskStatus {
  return t.outcome ?? (t.startAt !== null ? 'RUNNING' : 'INIT');
}

/** Draws `k` distinct items (seeded), keeping their original order. */
function sample<T>(items: readonly T[], k: number, rnd: Random): T[] {
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [idx[i], idx[j]] = [idx[j] as number, idx[i] as number];
  }
  return idx
    .slice(0, Math.min(k, idx.length))
    .sort((a, b) => a - b)
    .map((i) => items[i] as T);
}

export interface SubmitInput {
  org: string;
  cluster: BxCluster;
  action: BxTaskAction;
  name: string;
  count: number;
  ips: string[] | null;
}

/** Records a task (validation is the caller's), wires an engine job to it and advances. */
export function submitTask(ctx: BxContext, input: SubmitInput): BxTask {
  const { state, engine } = ctx;
  const id = state.counters.task;
  // Rising ids with gaps, like a snowflake id generator's: newer tasks have larger ids.
  state.counters.task += BigInt(engine.random('ids').int(1, 4096));
  const ruleAt = state.failureRules.findIndex(
    (r) => (!r.action || r.action === input.action) && (!r.cluster || r.cluster === input.cluster.name),
  );
  const rule = ruleAt >= 0 ? state.failureRules.splice(ruleAt, 1)[0] : undefined;
  const task: BxTask = {
    id,
    ...input,
    failures: rule?.failures ?? 0,
    createdAt: engine.clock.now(),
    startAt: null,
    finishAt: null,
    outcome: null,
    machineIds: [],
    victims: [],
    failedIds: [],
    shortfall: 0,
  };
  state.tasks.push(task);
  // The engine job lets the control API (`/_sim/jobs`) follow the task like any platform job.
  engine.jobs.create({
    tenant: input.org,
    kind: `bridgx.${input.action.toLowerCase()}`,
    id: String(task.id),
    attrs: { cluster: input.cluster.name, count: input.count },
    resolve: () => {
      advanceTasks(ctx, input.org);
      if (!task.outcome) return null;
      const result = { instanceIds: task.machineIds, victims: task.victims, failed: task.failedIds };
      return task.outcome === 'SUCCESS'
        ? { ok: true, result }
        : { ok: false, error: { code: 'FAILED', message: failureText(task) }, result };
    },
  });
  return task;
}

function failureText(t: BxTask): string {
  const total = t.action === 'EXPAND' ? t.count : t.victims.length + t.shortfall;
  return `${t.failedIds.length + t.shortfall} of ${total} machines failed`;
}

/** Advances every unfinished task of an organization to the clock (tasks of one cluster in order). */
export function advanceTasks(ctx: BxContext, org: string): void {
  const now = ctx.engine.clock.now();
  observeAll(ctx, org);
  const previous = new Map<BxCluster, BxTask>();
  for (const t of ctx.state.tasks) {
    if (t.org !== org) continue;
    const prev = previous.get(t.cluster);
    previous.set(t.cluster, t);
    if (t.outcome) continue;
    if (t.startAt === null) {
      if (prev && prev.finishAt === null) continue;
      const startAt = Math.max(t.createdAt + ctx.state.timing.taskStartMs, prev?.finishAt ?? 0);
      if (startAt > now) continue;
      if (t.action === 'EXPAND') startExpand(ctx, t, startAt);
      else startShrink(ctx, t, startAt);
    }
    tryFinish(ctx, t, now);
  }
}

function startExpand(ctx: BxContext, t: BxTask, startAt: number): void {
  const { engine } = ctx;
  const c = t.cluster;
  const ips = allocateIps(ctx, c, t.count);
  const failing = new Set(
    sample(
      ips.map((_, i) => i),
      t.failures,
      engine.random('outcomes'),
    ),
  );
  t.startAt = startAt;
  const job = expandGroup(engine, {
    tenant: t.org,
    group: groupOf(c),
    count: t.count,
    at: startAt,
    nameOf: (n) => `${c.name}-${t.id}-${n + 1}`,
    idOf: () => cloudId(engine, 'i-', c.region, 20),
    attrs: { cluster: c.name, taskId: String(t.id) },
    // A machine the switch has no address for fails, like one the control API marks to fail.
    outcomeOf: (n) => (failing.has(n) || ips[n] === '' ? 'error' : undefined),
  });
  const ids = (job.attrs['instanceIds'] as string[] | undefined) ?? [];
  ids.forEach((id, n) => {
    const inst = engine.instances.get(null, id, { includeLagging: true });
    if (!inst) return;
    const m: BxMachine = {
      id,
      org: t.org,
      cluster: c,
      taskId: t.id,
      ipInner: ips[n] ?? '',
      ipOuter: ips[n] ? publicIp(ctx, c) : '',
      createdAt: startAt,
      runningAt: null,
      deletedAt: null,
      settledAt: null,
      settledOk: false,
      intervals: [],
      inst,
    };
    ctx.state.machines.set(id, m);
    observe(ctx, m);
  });
  t.machineIds = ids;
}

function startShrink(ctx: BxContext, t: BxTask, startAt: number): void {
  const { engine } = ctx;
  const live = machinesOf(ctx, t.cluster).filter((m) => !isLeaving(m));
  const victims = t.ips
    ? live.filter((m) => t.ips?.includes(m.ipInner))
    : sample(live, t.count, engine.random('platform')); // A29: random victims, as the document says
  t.shortfall = t.count - victims.length;
  const failed = new Set(sample(victims, t.failures, engine.random('outcomes')));
  const doomed = victims.filter((m) => !failed.has(m));
  // The machine stops serving when BridgX sends its delete: that closes its usage record (A33).
  for (const m of doomed) closeInterval(m, startAt);
  shrinkGroup(engine, {
    tenant: t.org,
    group: groupOf(t.cluster),
    ids: doomed.map((m) => m.id),
    at: startAt,
  });
  t.startAt = startAt;
  t.victims = victims.map((m) => m.id);
  t.failedIds = [...failed].map((m) => m.id);
  for (const m of doomed) observe(ctx, m);
}

function tryFinish(ctx: BxContext, t: BxTask, now: number): void {
  const startAt = t.startAt as number;
  let doneAt = startAt + ctx.state.timing.taskMinMs;
  let ok = t.shortfall === 0 && t.failedIds.length === 0;
  if (t.action === 'EXPAND') {
    const failed: string[] = [];
    for (const id of t.machineIds) {
      const m = ctx.state.machines.get(id);
      if (!m) continue;
      observe(ctx, m);
      if (m.settledAt === null) return;
      doneAt = Math.max(doneAt, m.settledAt);
      if (!m.settledOk) failed.push(id);
    }
    if (doneAt > now) return;
    t.failedIds = failed;
    ok = failed.length === 0;
  } else {
    for (const id of t.victims) {
      const m = ctx.state.machines.get(id);
      if (!m || t.failedIds.includes(id)) continue;
      observe(ctx, m);
      if (m.deletedAt === null) return;
      doneAt = Math.max(doneAt, m.deletedAt);
    }
    if (doneAt > now) return;
  }
  t.finishAt = doneAt;
  t.outcome = ok ? 'SUCCESS' : 'FAILED';
}

/** A task as `task/list` shows it: the id is a string here (a number in the create answer, A13). */
export function renderTask(t: BxTask): WireValue {
  const done = t.finishAt !== null;
  return {
    task_id: String(t.id),
    task_name: t.name,
    task_action: t.action,
    status: taskStatus(t),
    cluster_name: t.cluster.name,
    create_at: bxTime(t.createdAt),
    // A28: 0 and "" until the task ends; then the seconds between the two stamps as shown.
    execute_time: done ? secondsBetween(t.createdAt, t.finishAt as number) : 0,
    finish_at: done ? bxTime(t.finishAt as number) : '',
  };
}
