/**
 * Scaling-task routes: operations 19 (cluster/expand), 20 (cluster/shrink, A3) and 21 (task/list).
 * A create answers the task id as a bare JSON number; the list shows it as a string (A13).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseCidr, usableHosts } from './simulator-cidr.ts';
import { type BxCluster, type BxContext, type BxTask, clusterKey } from './simulator-context.ts';
import { isLeaving, machinesOf, usedIps } from './simulator-machines.ts';
import { advanceTasks, renderTask, submitTask } from './simulator-tasks.ts';
import { ok, page, readPaging, snakePager } from './simulator-wire.ts';

const TaskBase = z.object({
  // A27: the key is required; an empty name is accepted (the list shows such tasks).
  task_name: z.string().max(128),
  cluster_name: z.string().min(1),
  count: z.number().int().min(1),
});
const ShrinkBody = TaskBase.extend({
  // A29: private IPs as a JSON array; a comma-separated string is read the same way.
  ips: z
    .union([z.array(z.string().min(1)), z.string()])
    .nullable()
    .optional(),
});

function ipsOf(raw: string[] | string | null | undefined): string[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : raw.split(',');
  return list.map((s) => s.trim()).filter((s) => s !== '');
}

function openTasks(ctx: BxContext, cluster: BxCluster): BxTask[] {
  return ctx.state.tasks.filter((t) => t.cluster === cluster && t.outcome === null);
}

export function registerTaskRoutes(app: FastifyInstance, ctx: BxContext): void {
  const clusterOf = (org: string, name: string) => ctx.state.clusters.get(clusterKey(org, name));

  // D2: this path always expands, even when the body carries `ips`.
  app.post('/api/v1/cluster/expand', { config: { simOp: 'tasks.expand' } }, async (req, reply) => {
    const b = TaskBase.safeParse(req.body);
    if (!b.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const cluster = clusterOf(org, b.data.cluster_name);
    if (!cluster) return ctx.fail(reply);
    // A26: machines of the cluster, those queued expands will add, and this one stay within the limit.
    const queued = openTasks(ctx, cluster)
      .filter((t) => t.action === 'EXPAND' && t.startAt === null)
      .reduce((n, t) => n + t.count, 0);
    const present = machinesOf(ctx, cluster).filter((m) => !isLeaving(m)).length;
    if (present + queued + b.data.count > ctx.clusterMachineLimit) return ctx.fail(reply);
    // A24: the switch must have an address for every machine not yet placed on it.
    const cidr = parseCidr(cluster.subnetCidr);
    const queuedOnSwitch = ctx.state.tasks
      .filter((t) => t.org === org && t.action === 'EXPAND' && t.startAt === null)
      .filter((t) => t.cluster.subnetId === cluster.subnetId)
      .reduce((n, t) => n + t.count, 0);
    const free = (cidr ? usableHosts(cidr) : 0) - usedIps(ctx, org, cluster.subnetId).size - queuedOnSwitch;
    if (b.data.count > free) return ctx.fail(reply);
    const task = submitTask(ctx, {
      org,
      cluster,
      action: 'EXPAND',
      name: b.data.task_name,
      count: b.data.count,
      ips: null,
    });
    return ok(reply, task.id);
  });

  app.post('/api/v1/cluster/shrink', { config: { simOp: 'tasks.shrink' } }, async (req, reply) => {
    const b = ShrinkBody.safeParse(req.body);
    if (!b.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const cluster = clusterOf(org, b.data.cluster_name);
    if (!cluster) return ctx.fail(reply);
    const ips = ipsOf(b.data.ips);
    const waiting = openTasks(ctx, cluster).filter((t) => t.action === 'SHRINK' && t.startAt === null);
    const claimed = new Set(waiting.flatMap((t) => t.ips ?? []));
    const claimedCount = waiting.reduce((n, t) => n + t.count, 0);
    const live = machinesOf(ctx, cluster).filter((m) => !isLeaving(m));
    if (ips.length > 0) {
      // A29: `count` must equal the number of IPs; each must be a live machine of this cluster.
      if (b.data.count !== ips.length || new Set(ips).size !== ips.length) return ctx.fail(reply);
      const known = new Set(live.map((m) => m.ipInner));
      if (ips.some((ip) => !known.has(ip) || claimed.has(ip))) return ctx.fail(reply);
    } else if (b.data.count > live.length - claimedCount) return ctx.fail(reply);
    const task = submitTask(ctx, {
      org,
      cluster,
      action: 'SHRINK',
      name: b.data.task_name,
      count: b.data.count,
      ips: ips.length > 0 ? ips : null,
    });
    return ok(reply, task.id);
  });

  app.get('/api/v1/task/list', { config: { simOp: 'tasks.list' } }, async (req, reply) => {
    const q = z.object({ account: z.string().optional() }).safeParse(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    if (!q.success || !paging) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    // A28: newest first, as the examples are.
    const rows = ctx.state.tasks
      .filter((t) => t.org === org && (!q.data.account || t.cluster.account === q.data.account))
      .reverse();
    const p = page(rows, paging);
    return ok(reply, { task_list: p.items.map(renderTask), pager: snakePager(p) });
  });
}
