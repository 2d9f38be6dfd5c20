/**
 * Clusters (operations 1 and 2): a cluster is a saved machine template; creating one makes no
 * machine (A26). The list shows no spec, only names, account and the machine count.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { findRegion, hasZone, imagesIn, instanceTypesIn, Provider } from './simulator-catalog.ts';
import { type BxCluster, type BxContext, clusterKey } from './simulator-context.ts';
import { machinesOf } from './simulator-machines.ts';
import { accountOf } from './simulator-network-rules.ts';
import { advanceTasks } from './simulator-tasks.ts';
import { findLocal } from './simulator-vpc-routes.ts';
import { bxTime, ok, page, readPaging, snakePager } from './simulator-wire.ts';

const Disk = z.object({ category: z.string().min(1), size: z.number().int().min(1).max(32_768) });
const ChargeType = z.enum(['PostPaid', 'PrePaid']);
const ClusterCreate = z.object({
  // A25: no rule is documented for the name beyond being the cluster's handle.
  name: z.string().min(1).max(128),
  provider: Provider,
  region_id: z.string().min(1),
  zone_id: z.string().min(1),
  instance_type: z.string().min(1),
  image: z.string().min(1),
  network_config: z.object({
    vpc: z.string().min(1),
    subnet_id: z.string().min(1),
    security_group: z.string().min(1),
    internet_charge_type: z.enum(['PayByBandwidth', 'PayByTraffic']).optional(),
    // A23: the document's second `internet_charge_type` row, the public bandwidth in Mbit/s.
    internet_max_bandwidth_out: z.number().int().min(0).max(1000).optional(),
  }),
  charge_config: z
    .object({
      charge_type: ChargeType,
      period_unit: z.enum(['Week', 'Month']).optional(),
      period: z.number().int().optional(),
    })
    .optional(),
  // D4b: the document's own example sends the charge type at the top level.
  charge_type: ChargeType.optional(),
  // A4: `data_disk` is an array (the example); a single object is read as a list of one.
  disks: z.object({ system_disk: Disk, data_disk: z.union([z.array(Disk).max(16), Disk]) }),
  password: z.string(),
  account_key: z.string().min(1),
  desc: z.string().max(256).nullable().optional(),
  tags: z.string().nullable().optional(),
});
type ClusterCreate = z.infer<typeof ClusterCreate>;

const PERIODS = { Week: [1, 2, 3, 4], Month: [1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 24, 36, 48, 60] } as const;

/** A25: ECS's password rule: 8–30 characters with three of upper, lower, digit and symbol. */
function strongPassword(p: string): boolean {
  if (p.length < 8 || p.length > 30 || !/^[\x21-\x7e]+$/.test(p)) return false;
  return [/[A-Z]/, /[a-z]/, /\d/, /[^A-Za-z0-9]/].filter((re) => re.test(p)).length >= 3;
}

function chargeOk(b: ClusterCreate): b is ClusterCreate & { charge_type: 'PostPaid' | 'PrePaid' } {
  const c = b.charge_config ?? (b.charge_type ? { charge_type: b.charge_type } : undefined);
  if (!c) return false;
  if (c.charge_type === 'PostPaid') return true;
  const unit = 'period_unit' in c ? c.period_unit : undefined;
  const period = 'period' in c ? c.period : undefined;
  return unit !== undefined && period !== undefined && (PERIODS[unit] as readonly number[]).includes(period);
}

export function registerClusterRoutes(app: FastifyInstance, ctx: BxContext): void {
  const { engine } = ctx;

  app.post('/api/v1/cluster/create', { config: { simOp: 'clusters.create' } }, async (req, reply) => {
    const parsed = ClusterCreate.safeParse(req.body);
    if (!parsed.success) return ctx.fail(reply);
    const b = parsed.data;
    const { org, user } = ctx.caller(req);
    if (!chargeOk(b) || !strongPassword(b.password)) return ctx.fail(reply);
    if (!accountOf(ctx, org, b.account_key, b.provider) || !findRegion(engine, b.provider, b.region_id))
      return ctx.fail(reply);
    if (!hasZone(engine, b.provider, b.region_id, b.zone_id)) return ctx.fail(reply);
    if (!instanceTypesIn(engine, b.provider, b.zone_id).some((t) => t.type === b.instance_type)) return ctx.fail(reply);
    if (!imagesIn(engine, b.provider, b.region_id).some((i) => i.id === b.image)) return ctx.fail(reply);
    // A26: the network must be BridgX's, of the cluster's account and region; the switch in its zone.
    const n = b.network_config;
    const vpc = findLocal(ctx, org, 'vpc', n.vpc);
    const subnet = findLocal(ctx, org, 'subnet', n.subnet_id);
    const group = findLocal(ctx, org, 'security_group', n.security_group);
    if (!vpc || vpc.account !== b.account_key || vpc.region !== b.region_id) return ctx.fail(reply);
    if (!subnet || subnet.vpcId !== vpc.id || subnet.zone !== b.zone_id) return ctx.fail(reply);
    if (!group || group.vpcId !== vpc.id) return ctx.fail(reply);
    const key = clusterKey(org, b.name);
    if (ctx.state.clusters.has(key)) return ctx.fail(reply);
    const dataDisks = Array.isArray(b.disks.data_disk) ? b.disks.data_disk : [b.disks.data_disk];
    const bandwidth = n.internet_max_bandwidth_out ?? 0;
    const cluster: BxCluster = {
      clusterId: String(++ctx.state.counters.cluster),
      org,
      name: b.name,
      provider: b.provider,
      account: b.account_key,
      region: b.region_id,
      zone: b.zone_id,
      instanceType: b.instance_type,
      image: b.image,
      vpcId: vpc.id,
      subnetId: subnet.id,
      subnetCidr: subnet.cidr,
      securityGroupId: group.id,
      internetChargeType: bandwidth > 0 ? (n.internet_charge_type ?? 'PayByTraffic') : (n.internet_charge_type ?? null),
      bandwidthOut: bandwidth,
      chargeType: (b.charge_config?.charge_type ?? b.charge_type) as 'PostPaid' | 'PrePaid',
      systemDisk: b.disks.system_disk,
      dataDisks,
      desc: b.desc ?? '',
      tags: b.tags ?? null,
      createdAt: engine.clock.now(),
      createdBy: user,
    };
    // The password is checked and dropped: nothing the simulator answers could ever echo it.
    ctx.state.clusters.set(key, cluster);
    return ok(reply, cluster.name);
  });

  app.get('/api/v1/cluster/describe_all', { config: { simOp: 'clusters.list' } }, async (req, reply) => {
    const q = z.object({ account: z.string().optional() }).safeParse(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    if (!q.success || !paging) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    const rows = [...ctx.state.clusters.values()].filter(
      (c) => c.org === org && (!q.data.account || c.account === q.data.account),
    );
    const p = page(rows, paging);
    return ok(reply, {
      cluster_list: p.items.map((c) => ({
        cluster_id: c.clusterId,
        cluster_name: c.name,
        provider: c.provider,
        account: c.account,
        create_at: bxTime(c.createdAt),
        create_by: c.createdBy,
        // A26: machines not yet deleted, over the per-cluster limit.
        total_remainder: `${machinesOf(ctx, c).filter((m) => m.deletedAt === null).length}/${ctx.clusterMachineLimit}`,
      })),
      pager: snakePager(p),
    });
  });
}
