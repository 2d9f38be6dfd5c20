/**
 * Machine routes: operations 22 (instance/describe_all), 23 (instance/id/describe) and 24
 * (instance/num). Machines are read-only here: only tasks make and remove them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Provider } from './simulator-catalog.ts';
import type { BxContext, BxMachine } from './simulator-context.ts';
import {
  BRIDGX_MACHINE_STATUSES,
  machineStatus,
  renderMachineDetail,
  renderMachineItem,
} from './simulator-machines.ts';
import { advanceTasks } from './simulator-tasks.ts';
import { ok, page, readPaging, snakePager } from './simulator-wire.ts';

const ListQuery = z.object({
  account: z.string().optional(),
  instance_id: z.string().optional(),
  ip: z.string().optional(),
  provider: Provider.optional(),
  cluster_name: z.string().optional(),
  status: z.string().optional(),
});
const CountQuery = z.object({ account: z.string().optional(), cluster_name: z.string().optional() });
const DetailQuery = z.object({ instance_id: z.string().min(1) });

const KNOWN = new Set(BRIDGX_MACHINE_STATUSES.map((s) => s.toLowerCase()));

/** A30: comma-separated, case-insensitive; a word that is no machine status is refused. */
function readStatuses(raw: string | undefined): Set<string> | null | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  const words = raw.split(',').map((s) => s.trim().toLowerCase());
  return words.every((w) => KNOWN.has(w)) ? new Set(words) : null;
}

export function registerMachineRoutes(app: FastifyInstance, ctx: BxContext): void {
  const { engine } = ctx;
  // A39: a new machine reaches the list and the count after the engine's list lag.
  const visible = (m: BxMachine) => m.inst.visibleAt <= engine.clock.now();
  const ofOrg = (org: string) => [...ctx.state.machines.values()].filter((m) => m.org === org && visible(m));

  app.get('/api/v1/instance/describe_all', { config: { simOp: 'instances.list' } }, async (req, reply) => {
    const q = ListQuery.safeParse(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    const statuses = q.success ? readStatuses(q.data.status) : null;
    if (!q.success || !paging || statuses === null) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const f = q.data;
    // A30: oldest first (as the example), deleted machines included unless filtered out.
    // A38: a filter naming an unknown account, machine, IP or cluster matches nothing.
    const rows = ofOrg(org).filter(
      (m) =>
        (!f.account || m.cluster.account === f.account) &&
        (!f.instance_id || m.id === f.instance_id) &&
        (!f.ip || m.ipInner === f.ip || m.ipOuter === f.ip) &&
        (!f.provider || m.cluster.provider === f.provider) &&
        (!f.cluster_name || m.cluster.name === f.cluster_name) &&
        (!statuses || statuses.has(machineStatus(ctx, m).toLowerCase())),
    );
    const p = page(rows, paging);
    return ok(reply, { instance_list: p.items.map((m) => renderMachineItem(ctx, m)), pager: snakePager(p) });
  });

  const detail = (id: string | undefined) => async (req: FastifyRequest, reply: FastifyReply) => {
    const q = DetailQuery.safeParse(id === undefined ? req.query : { instance_id: id });
    if (!q.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const m = ctx.state.machines.get(q.data.instance_id);
    if (!m || m.org !== org || (!engine.config().getSeesLagging && !visible(m))) return ctx.fail(reply);
    return ok(reply, renderMachineDetail(m));
  };
  // D20: the literal `id` path takes `?instance_id=`; it wins over the id-in-path form (A15).
  app.get('/api/v1/instance/id/describe', { config: { simOp: 'instances.describe' } }, (req, reply) =>
    detail(undefined)(req, reply),
  );
  app.get<{ Params: { instance_id: string } }>(
    '/api/v1/instance/:instance_id/describe',
    { config: { simOp: 'instances.describe' } },
    (req, reply) => detail(req.params.instance_id)(req, reply),
  );

  // A30: "running machines" counts every machine not yet deleted.
  app.get('/api/v1/instance/num', { config: { simOp: 'instances.count' } }, async (req, reply) => {
    const q = CountQuery.safeParse(req.query);
    if (!q.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const n = ofOrg(org).filter(
      (m) =>
        m.deletedAt === null &&
        (!q.data.account || m.cluster.account === q.data.account) &&
        (!q.data.cluster_name || m.cluster.name === q.data.cluster_name),
    ).length;
    return ok(reply, { instance_num: n });
  });
}
