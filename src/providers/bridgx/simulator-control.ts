/**
 * BridgX routes of the control API (under `/_sim/bridgx`, not part of the platform's wire):
 * task timings, the next task failing in part (A36), the optional token becoming required,
 * a view of the tasks with what the wire does not show, and out-of-band changes to a cloud
 * account's network that a region sync then picks up (A20).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { type BxContext, BxTimingPatch, cloudId } from './simulator-context.ts';
import { type BxNet, type Layer, dropNet, getNet, putNet } from './simulator-network-store.ts';
import { advanceTasks, taskStatus } from './simulator-tasks.ts';

const FailureBody = z
  .object({
    /** How many machines of the task fail (k of its N; all of them when k ≥ N). */
    failures: z.number().int().min(1),
    action: z.enum(['EXPAND', 'SHRINK']).optional(),
    cluster: z.string().min(1).optional(),
  })
  .strict();
const AuthBody = z.object({ requireToken: z.boolean() }).strict();
const CloudNetworkBody = z
  .object({
    kind: z.enum(['vpc', 'subnet', 'security_group']),
    account: z.string().min(1),
    region: z.string().min(1),
    name: z.string().min(1),
    id: z.string().min(1).optional(),
    cidr: z.string().optional(),
    vpcId: z.string().optional(),
    zone: z.string().optional(),
    type: z.enum(['normal', 'enterprise']).optional(),
  })
  .strict();

function invalid(reply: FastifyReply, error: z.ZodError | string): FastifyReply {
  return reply.code(400).send({ error: typeof error === 'string' ? error : error.issues.map((i) => i.message) });
}

export function registerBridgxControl(app: FastifyInstance, ctx: BxContext): void {
  const { engine } = ctx;
  // Tasks advance on reads; the control API's views (instances, jobs) are reads too.
  app.addHook('preHandler', async () => {
    for (const org of ctx.orgs) advanceTasks(ctx, org.id);
  });

  app.get('/bridgx/timing', async () => ctx.state.timing);
  app.patch('/bridgx/timing', async (req, reply) => {
    const b = BxTimingPatch.safeParse(req.body ?? {});
    if (!b.success) return invalid(reply, b.error);
    ctx.state.timing = { ...ctx.state.timing, ...b.data };
    return ctx.state.timing;
  });

  app.get('/bridgx/task-failures', async () => ({ rules: ctx.state.failureRules }));
  app.post('/bridgx/task-failures', async (req, reply) => {
    const b = FailureBody.safeParse(req.body);
    if (!b.success) return invalid(reply, b.error);
    ctx.state.failureRules.push(b.data);
    return reply.code(201).send({ rules: ctx.state.failureRules });
  });
  app.delete('/bridgx/task-failures', async (_req, reply) => {
    ctx.state.failureRules = [];
    return reply.code(204).send();
  });

  app.patch('/bridgx/auth', async (req, reply) => {
    const b = AuthBody.safeParse(req.body);
    if (!b.success) return invalid(reply, b.error);
    ctx.state.requireToken = b.data.requireToken;
    return { requireToken: ctx.state.requireToken };
  });

  app.get('/bridgx/tasks', async () => {
    return {
      items: ctx.state.tasks.map((t) => ({
        taskId: String(t.id),
        org: t.org,
        cluster: t.cluster.name,
        action: t.action,
        status: taskStatus(t),
        count: t.count,
        ips: t.ips,
        failures: t.failures,
        machineIds: t.machineIds,
        victims: t.victims,
        failedIds: t.failedIds,
        createdAt: t.createdAt,
        startAt: t.startAt,
        finishAt: t.finishAt,
      })),
    };
  });

  // Something made in the cloud's own console: BridgX's describes list it only after a sync.
  app.post('/bridgx/cloud-networks', async (req, reply) => {
    const b = CloudNetworkBody.safeParse(req.body);
    if (!b.success) return invalid(reply, b.error);
    const d = b.data;
    const account = ctx.state.accounts.get(d.account);
    if (!account) return invalid(reply, `unknown account ${d.account}`);
    const now = engine.clock.now();
    const base = {
      rowId: 0,
      org: account.org,
      account: account.ak,
      provider: account.provider,
      region: d.region,
      name: d.name,
      createdAt: now,
      readyAt: now,
    };
    const vpc = d.vpcId ? getNet(engine, 'cloud', account.org, 'vpc', d.vpcId) : undefined;
    let rec: BxNet;
    if (d.kind === 'vpc') {
      rec = {
        ...base,
        kind: 'vpc',
        id: d.id ?? cloudId(engine, 'vpc-', d.region, 21),
        cidr: d.cidr ?? '172.16.0.0/12',
      };
    } else if (!vpc) {
      return invalid(reply, 'vpcId must name a VPC of the cloud account');
    } else if (d.kind === 'subnet') {
      rec = {
        ...base,
        kind: 'subnet',
        id: d.id ?? cloudId(engine, 'vsw-', d.region, 21),
        vpcId: vpc.id,
        zone: d.zone ?? '',
        cidr: d.cidr ?? '',
        isDefault: false,
      };
    } else {
      rec = {
        ...base,
        kind: 'security_group',
        id: d.id ?? cloudId(engine, 'sg-', d.region, 20),
        vpcId: vpc.id,
        type: d.type ?? 'normal',
        rules: [],
      };
    }
    putNet(engine, 'cloud', rec);
    return reply.code(201).send({ id: rec.id });
  });

  app.delete<{ Params: { id: string } }>('/bridgx/cloud-networks/:id', async (req, reply) => {
    const layer: Layer = 'cloud';
    for (const org of ctx.orgs.map((o) => o.id))
      for (const kind of ['vpc', 'subnet', 'security_group'] as const) {
        const rec = getNet(engine, layer, org, kind, req.params.id);
        if (rec) {
          dropNet(engine, layer, rec);
          return reply.code(204).send();
        }
      }
    return reply.code(404).send({ error: 'no such cloud network object' });
  });
}
