/**
 * The cost API (operations 25 and 26): machine running time for one day, in seconds (A33).
 * A usage record is one power-on interval of one machine (Running until its delete was sent,
 * or until it fell into Error), clipped to the day [00:00, 24:00) in +08:00; a machine still
 * running today has `shutdown_at: ""` and counts up to now.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { BxContext } from './simulator-context.ts';
import { advanceTasks } from './simulator-tasks.ts';
import {
  DAY_MS,
  bxTime,
  dayStart,
  ok,
  page,
  readPaging,
  secondsBetween,
  snakePager,
  type WireValue,
} from './simulator-wire.ts';

const UsageQuery = z.object({ cluster_name: z.string().optional(), date: z.string() });

export interface UsageRecord {
  id: number;
  clusterName: string;
  instanceId: string;
  instanceType: string;
  start: number;
  end: number;
  /** The interval was still open within the day. */
  open: boolean;
  seconds: number;
}

/** The usage records of one day, in record order. */
export function usageOf(ctx: BxContext, org: string, day: number, cluster?: string): UsageRecord[] {
  const now = ctx.engine.clock.now();
  const dayEnd = day + DAY_MS;
  const out: UsageRecord[] = [];
  for (const m of ctx.state.machines.values()) {
    if (m.org !== org || (cluster && m.cluster.name !== cluster)) continue;
    for (const iv of m.intervals) {
      const end = iv.end ?? now;
      const start = Math.max(iv.start, day);
      const clipped = Math.min(end, dayEnd);
      if (clipped <= start) continue;
      out.push({
        id: iv.id,
        clusterName: m.cluster.name,
        instanceId: m.id,
        instanceType: m.cluster.instanceType,
        start,
        end: clipped,
        open: iv.end === null && now < dayEnd,
        seconds: secondsBetween(start, clipped),
      });
    }
  }
  return out.sort((a, b) => a.id - b.id);
}

function renderRecord(r: UsageRecord): WireValue {
  return {
    id: String(r.id),
    cluster_name: r.clusterName,
    instance_id: r.instanceId,
    startup_at: bxTime(r.start),
    shutdown_at: r.open ? '' : bxTime(r.end),
    startup_time: r.seconds,
    instance_type: r.instanceType,
  };
}

export function registerUsageRoutes(app: FastifyInstance, ctx: BxContext): void {
  const read = (query: unknown) => {
    const q = UsageQuery.safeParse(query);
    const day = q.success ? dayStart(q.data.date) : null;
    return q.success && day !== null ? { day, cluster: q.data.cluster_name || undefined } : null;
  };

  app.get('/api/v1/instance/usage_total', { config: { simOp: 'usage.total' } }, async (req, reply) => {
    const q = read(req.query);
    if (!q) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const total = usageOf(ctx, org, q.day, q.cluster).reduce((n, r) => n + r.seconds, 0);
    return ok(reply, { usage_total: total });
  });

  app.get('/api/v1/instance/usage_statistics', { config: { simOp: 'usage.statistics' } }, async (req, reply) => {
    const q = read(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    if (!q || !paging) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const p = page(usageOf(ctx, org, q.day, q.cluster), paging);
    return ok(reply, { instance_list: p.items.map(renderRecord), pager: snakePager(p) });
  });
}
