/**
 * Instances of all tenants, with lazy state transitions and list visibility lag.
 *
 * Invariants:
 * - Each tenant keeps its instances in creation order (`seq` ascending) in an array, so a
 *   marker page is a binary search plus a scan of one page: paging 1,000+ machines is not O(n²).
 * - A record is settled (its due transition applied) whenever it is read; nothing runs while idle.
 * - A record whose delete completed is dropped from the id map at once and from the order
 *   array by an amortised compaction.
 */
import type { Clock } from './clock.ts';
import type { SimConfig } from './config.ts';
import { type InstanceAction, type NeutralState, type Pending, planAction, settle } from './instance-states.ts';
import type { Random } from './random.ts';

export interface SimInstance {
  readonly id: string;
  readonly tenant: string;
  readonly seq: number;
  name: string;
  state: NeutralState;
  pending: Pending | null;
  /** A platform status forced by the control API; cleared by the next action. */
  rawStatus: string | null;
  /** The action that led to the current state (platforms render e.g. SOFT vs HARD reboot). */
  lastAction: InstanceAction | 'create' | 'force' | null;
  createdAt: number;
  updatedAt: number;
  /** Lists include the instance from this time on. */
  visibleAt: number;
  tags: Record<string, string>;
  /** Platform-specific fields the simulator stores beside the neutral ones. */
  attrs: Record<string, unknown>;
  gone: boolean;
}

export interface CreateInstanceInput {
  tenant: string;
  name: string;
  id?: string;
  tags?: Record<string, string>;
  attrs?: Record<string, unknown>;
  /** Force the create's outcome; otherwise the configured error rate/pattern decide. */
  outcome?: 'running' | 'error';
  /** Seed an existing machine directly in a state (platforms that cannot create). */
  initialState?: NeutralState;
  /**
   * Create as of this earlier moment (default now): creation time, boot deadline and list
   * visibility count from it. For platforms whose own tasks start lazily, when a read finds
   * that a queued task should have started some time ago.
   */
  at?: number;
}

export type ActResult =
  | { ok: true; instance: SimInstance; noop: boolean }
  | { ok: false; reason: 'not_found' }
  | { ok: false; reason: 'invalid_state'; instance: SimInstance };

export interface ListOptions {
  /** Id of the last item of the previous page. */
  marker?: string;
  limit?: number;
  direction?: 'asc' | 'desc';
  filter?: (i: SimInstance) => boolean;
  /** Include instances still inside their list lag (control API, not platform lists). */
  includeLagging?: boolean;
}

export type ListResult =
  { ok: true; items: SimInstance[]; hasMore: boolean } | { ok: false; reason: 'marker_not_found' };

interface TenantShelf {
  order: SimInstance[];
  dead: number;
}

export interface InstanceStore {
  create(input: CreateInstanceInput): SimInstance;
  /** Settled instance or undefined; hides lagging instances unless the config says a get sees them. */
  get(tenant: string | null, id: string, opts?: { includeLagging?: boolean }): SimInstance | undefined;
  list(tenant: string, opts?: ListOptions): ListResult;
  /** `at` (default now): when the action was sent, for platform tasks that start lazily (see create). */
  act(tenant: string | null, id: string, action: InstanceAction, opts?: { at?: number }): ActResult;
  force(
    id: string,
    change: { state?: NeutralState; rawStatus?: string | null; to?: NeutralState | 'gone'; inMs?: number },
  ): SimInstance | undefined;
  update(id: string, change: Partial<Pick<SimInstance, 'name' | 'tags' | 'attrs'>>): SimInstance | undefined;
  /** Every live instance of a tenant (or all), lag ignored, settled. */
  all(tenant?: string): SimInstance[];
  count(tenant?: string): number;
  tenants(): string[];
  clear(): void;
}

export function createInstanceStore(deps: {
  clock: Clock;
  config: () => SimConfig;
  ids: Random;
  outcomes: Random;
}): InstanceStore {
  const byId = new Map<string, SimInstance>();
  const shelves = new Map<string, TenantShelf>();
  let seq = 0;

  const shelf = (tenant: string): TenantShelf => {
    let s = shelves.get(tenant);
    if (!s) {
      s = { order: [], dead: 0 };
      shelves.set(tenant, s);
    }
    return s;
  };

  const drop = (inst: SimInstance): void => {
    inst.gone = true;
    byId.delete(inst.id);
    const s = shelf(inst.tenant);
    s.dead++;
    if (s.dead > 64 && s.dead * 2 > s.order.length) {
      s.order = s.order.filter((i) => !i.gone);
      s.dead = 0;
    }
  };

  /** Applies a due transition; returns false when the instance is gone. */
  const touch = (inst: SimInstance, now: number): boolean => {
    if (inst.gone) return false;
    const s = settle(inst.state, inst.pending, now);
    if (s.changedAt === null) return true;
    if (s.gone) {
      drop(inst);
      return false;
    }
    inst.state = s.state;
    inst.pending = s.pending;
    inst.updatedAt = s.changedAt;
    return true;
  };

  const endsInError = (name: string): boolean => {
    const cfg = deps.config();
    if (cfg.createErrorNamePattern && new RegExp(cfg.createErrorNamePattern).test(name)) return true;
    return deps.outcomes.chance(cfg.createErrorRate);
  };

  const lowerBound = (order: SimInstance[], target: number): number => {
    let lo = 0;
    let hi = order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((order[mid] as SimInstance).seq < target) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    create(input) {
      const now = Math.min(input.at ?? Number.POSITIVE_INFINITY, deps.clock.now());
      const cfg = deps.config();
      const id = input.id ?? deps.ids.uuid();
      if (byId.has(id)) throw new Error(`instance ${id} exists`);
      const initial = input.initialState ?? 'creating';
      const outcome = input.outcome ?? (initial === 'creating' && endsInError(input.name) ? 'error' : 'running');
      const inst: SimInstance = {
        id,
        tenant: input.tenant,
        seq: ++seq,
        name: input.name,
        state: initial,
        pending: initial === 'creating' ? { to: outcome, at: now + cfg.delays.bootMs } : null,
        rawStatus: null,
        lastAction: 'create',
        createdAt: now,
        updatedAt: now,
        visibleAt: input.initialState ? now : now + cfg.listLagMs,
        tags: { ...input.tags },
        attrs: { ...input.attrs },
        gone: false,
      };
      byId.set(id, inst);
      shelf(input.tenant).order.push(inst);
      return inst;
    },

    get(tenant, id, opts) {
      const inst = byId.get(id);
      if (!inst || (tenant !== null && inst.tenant !== tenant)) return undefined;
      const now = deps.clock.now();
      if (!touch(inst, now)) return undefined;
      const seesLagging = opts?.includeLagging ?? deps.config().getSeesLagging;
      if (!seesLagging && inst.visibleAt > now) return undefined;
      return inst;
    },

    list(tenant, opts = {}) {
      const s = shelves.get(tenant);
      const limit = opts.limit ?? Number.POSITIVE_INFINITY;
      if (!s) return opts.marker ? { ok: false, reason: 'marker_not_found' } : { ok: true, items: [], hasMore: false };
      const now = deps.clock.now();
      const desc = opts.direction === 'desc';
      let i: number;
      if (opts.marker !== undefined) {
        const m = byId.get(opts.marker);
        if (!m || m.tenant !== tenant) return { ok: false, reason: 'marker_not_found' };
        const at = lowerBound(s.order, m.seq);
        i = desc ? at - 1 : at + 1;
      } else {
        i = desc ? s.order.length - 1 : 0;
      }
      const items: SimInstance[] = [];
      const step = desc ? -1 : 1;
      for (; i >= 0 && i < s.order.length; i += step) {
        const inst = s.order[i] as SimInstance;
        if (!touch(inst, now)) continue;
        if (!opts.includeLagging && inst.visibleAt > now) continue;
        if (opts.filter && !opts.filter(inst)) continue;
        if (items.length >= limit) return { ok: true, items, hasMore: true };
        items.push(inst);
      }
      return { ok: true, items, hasMore: false };
    },

    act(tenant, id, action, opts) {
      const inst = this.get(tenant, id);
      if (!inst) return { ok: false, reason: 'not_found' };
      const now = Math.min(opts?.at ?? Number.POSITIVE_INFINITY, deps.clock.now());
      const plan = planAction(action, inst.state, deps.config().delays, now);
      if (!plan.ok) return { ok: false, reason: 'invalid_state', instance: inst };
      if (plan.noop) return { ok: true, instance: inst, noop: true };
      inst.state = plan.via;
      inst.pending = plan.pending;
      inst.rawStatus = null;
      inst.lastAction = action;
      inst.updatedAt = now;
      touch(inst, deps.clock.now()); // a zero (or already elapsed) delay settles at once
      return { ok: true, instance: inst, noop: false };
    },

    force(id, change) {
      const inst = byId.get(id);
      if (!inst || !touch(inst, deps.clock.now())) return undefined;
      const now = deps.clock.now();
      if (change.state) inst.state = change.state;
      if (change.rawStatus !== undefined) inst.rawStatus = change.rawStatus;
      inst.pending = change.to ? { to: change.to, at: now + (change.inMs ?? 0) } : null;
      inst.lastAction = 'force';
      inst.updatedAt = now;
      inst.visibleAt = Math.min(inst.visibleAt, now);
      touch(inst, now);
      return inst.gone ? undefined : inst;
    },

    update(id, change) {
      const inst = byId.get(id);
      if (!inst || !touch(inst, deps.clock.now())) return undefined;
      if (change.name !== undefined) inst.name = change.name;
      if (change.tags) inst.tags = { ...change.tags };
      if (change.attrs) inst.attrs = { ...inst.attrs, ...change.attrs };
      inst.updatedAt = deps.clock.now();
      return inst;
    },

    all(tenant) {
      const now = deps.clock.now();
      const source =
        tenant === undefined ? [...shelves.values()].flatMap((s) => s.order) : (shelves.get(tenant)?.order ?? []);
      return source.filter((i) => touch(i, now));
    },

    count(tenant) {
      return this.all(tenant).length;
    },

    tenants: () => [...shelves.keys()],

    clear() {
      byId.clear();
      shelves.clear();
      seq = 0;
    },
  };
}
