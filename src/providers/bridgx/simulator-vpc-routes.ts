/**
 * VPC and switch (subnet) routes: operations 3 (vpc/create), 4 (vpc/describe), 5 (subnet/create,
 * a GET), 6 (subnet/describe), 16 (vpc/info/:id) and 17 (subnet/info/:id). Describes and infos
 * read BridgX's records (A20) and answer in the Go field names of the examples (A8).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { gatewayOf, parseCidr, usableHosts } from './simulator-cidr.ts';
import { Provider, findRegion, hasZone } from './simulator-catalog.ts';
import { type BxContext, cloudId } from './simulator-context.ts';
import { advanceTasks } from './simulator-tasks.ts';
import { usedIps } from './simulator-machines.ts';
import { type BxSubnet, type BxVpc, createNet, getNet, listNet, netStatus } from './simulator-network-store.ts';
import { accountOf, switchName, validSwitchCidr, validVpcCidr, vpcName } from './simulator-network-rules.ts';
import { bxTime, ok, page, pascalPager, readPaging, type WireValue } from './simulator-wire.ts';

const VpcCreate = z.object({
  provider: Provider,
  region_id: z.string().min(1),
  cidr_block: z.string().optional(),
  vpc_name: vpcName(64),
  ak: z.string().min(1),
});
const VpcDescribe = z.object({
  provider: Provider.optional(),
  region_id: z.string().optional(),
  vpc_name: z.string().optional(),
});
const SubnetCreate = z.object({
  account_key: z.string().min(1),
  zone_id: z.string().min(1),
  cidr_block: z.string().min(1),
  vpc_id: z.string().min(1),
  switch_name: switchName,
});
const SubnetDescribe = z.object({ vpc_id: z.string().min(1), switch_name: z.string().optional() });
const SubnetInfo = z.object({ vpc_id: z.string().min(1) });

/** A record by cloud id, or by BridgX's numeric row id as the document's `/info/1` examples use (A19). */
export function findLocal<K extends 'vpc' | 'subnet' | 'security_group'>(
  ctx: BxContext,
  org: string,
  kind: K,
  id: string,
) {
  const direct = getNet(ctx.engine, 'local', org, kind, id);
  if (direct || !/^\d+$/.test(id)) return direct;
  return listNet(ctx.engine, 'local', org, kind).find((r) => r.rowId === Number(id));
}

/** Free addresses of a switch: its usable hosts less the machines on it (A24). */
export function availableIps(ctx: BxContext, s: BxSubnet): number {
  const c = parseCidr(s.cidr);
  return Math.max(0, (c ? usableHosts(c) : 0) - usedIps(ctx, s.org, s.id).size);
}

function renderSubnet(ctx: BxContext, s: BxSubnet, now: number, withGateway: boolean): WireValue {
  const c = parseCidr(s.cidr);
  return {
    VpcId: s.vpcId,
    SwitchId: s.id,
    ZoneId: s.zone,
    SwitchName: s.name,
    CidrBlock: s.cidr,
    ...(withGateway ? { GatewayIp: c ? gatewayOf(c) : '' } : {}),
    VStatus: netStatus(s, now),
    CreateAt: bxTime(s.createdAt),
    // A35: the examples' string flag, "Y" or "N".
    IsDefault: s.isDefault ? 'Y' : 'N',
    AvailableIpAddressCount: availableIps(ctx, s),
  };
}

export function registerVpcRoutes(app: FastifyInstance, ctx: BxContext): void {
  const { engine } = ctx;
  const newestFirst = <T extends { rowId: number }>(rows: T[]) => [...rows].sort((a, b) => b.rowId - a.rowId);

  app.post('/api/v1/vpc/create', { config: { simOp: 'vpcs.create' } }, async (req, reply) => {
    const b = VpcCreate.safeParse(req.body);
    if (!b.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    const cidr = b.data.cidr_block || '172.16.0.0/12';
    if (!accountOf(ctx, org, b.data.ak, b.data.provider) || !findRegion(engine, b.data.provider, b.data.region_id))
      return ctx.fail(reply);
    if (!validVpcCidr(cidr)) return ctx.fail(reply);
    const now = engine.clock.now();
    const vpc: BxVpc = {
      kind: 'vpc',
      id: cloudId(engine, 'vpc-', b.data.region_id, 21),
      rowId: 0,
      org,
      account: b.data.ak,
      provider: b.data.provider,
      region: b.data.region_id,
      name: b.data.vpc_name,
      cidr,
      createdAt: now,
      readyAt: now + ctx.state.timing.networkReadyMs,
    };
    // A7: the new VPC's id (the document's example shows a switch id there).
    return ok(reply, createNet(ctx, vpc).id);
  });

  app.get('/api/v1/vpc/describe', { config: { simOp: 'vpcs.describe' } }, async (req, reply) => {
    const q = VpcDescribe.safeParse(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    if (!q.success || !paging) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    const now = engine.clock.now();
    const switches = listNet(engine, 'local', org, 'subnet');
    const rows = newestFirst(listNet(engine, 'local', org, 'vpc')).filter(
      (v) =>
        (q.data.provider === undefined || v.provider === q.data.provider) &&
        (!q.data.region_id || v.region === q.data.region_id) &&
        (!q.data.vpc_name || v.name === q.data.vpc_name),
    );
    const p = page(rows, paging);
    return ok(reply, {
      Vpcs: p.items.map((v) => ({
        VpcId: v.id,
        VpcName: v.name,
        CidrBlock: v.cidr,
        // A9: a comma-joined string, as the example's `SwitchIds: ""`.
        SwitchIds: switches
          .filter((s) => s.vpcId === v.id)
          .map((s) => s.id)
          .join(','),
        Provider: v.provider,
        Status: netStatus(v, now),
        CreateAt: bxTime(v.createdAt),
      })),
      Pager: pascalPager(p),
    });
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/vpc/info/:id',
    { config: { simOp: 'vpcs.info' } },
    async (req, reply) => {
      const vpc = findLocal(ctx, ctx.caller(req).org, 'vpc', req.params.id);
      if (!vpc) return ctx.fail(reply);
      return ok(reply, {
        VpcId: vpc.id,
        VpcName: vpc.name,
        CidrBlock: vpc.cidr,
        Provider: vpc.provider,
        Status: netStatus(vpc, engine.clock.now()),
        CreateAt: bxTime(vpc.createdAt),
      });
    },
  );

  // A6: a create done with GET, parameters in the query; a POST with a JSON body is accepted too.
  const createSubnet = async (req: FastifyRequest, reply: Parameters<typeof ctx.fail>[0]) => {
    const b = SubnetCreate.safeParse(req.method === 'GET' ? req.query : req.body);
    if (!b.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    const vpc = findLocal(ctx, org, 'vpc', b.data.vpc_id);
    // The switch belongs to the VPC's account, region and provider (none of them is a parameter).
    if (!vpc || vpc.account !== b.data.account_key || !accountOf(ctx, org, b.data.account_key)) return ctx.fail(reply);
    if (!hasZone(engine, vpc.provider, vpc.region, b.data.zone_id)) return ctx.fail(reply);
    const siblings = listNet(engine, 'cloud', org, 'subnet').filter((s) => s.vpcId === vpc.id);
    if (siblings.length >= 150 || !validSwitchCidr(b.data.cidr_block, vpc.cidr, siblings)) return ctx.fail(reply);
    const now = engine.clock.now();
    const subnet: BxSubnet = {
      kind: 'subnet',
      id: cloudId(engine, 'vsw-', vpc.region, 21),
      rowId: 0,
      org,
      account: vpc.account,
      provider: vpc.provider,
      region: vpc.region,
      vpcId: vpc.id,
      zone: b.data.zone_id,
      name: b.data.switch_name,
      cidr: b.data.cidr_block,
      isDefault: false,
      createdAt: now,
      readyAt: now + ctx.state.timing.networkReadyMs,
    };
    return ok(reply, createNet(ctx, subnet).id);
  };
  app.get('/api/v1/subnet/create', { config: { simOp: 'subnets.create' } }, createSubnet);
  app.post('/api/v1/subnet/create', { config: { simOp: 'subnets.create' } }, createSubnet);

  app.get('/api/v1/subnet/describe', { config: { simOp: 'subnets.describe' } }, async (req, reply) => {
    const q = SubnetDescribe.safeParse(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    if (!q.success || !paging) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    advanceTasks(ctx, org);
    // A38: an unknown vpc_id lists nothing rather than refusing.
    const vpc = findLocal(ctx, org, 'vpc', q.data.vpc_id);
    const now = engine.clock.now();
    const rows = newestFirst(listNet(engine, 'local', org, 'subnet')).filter(
      (s) => s.vpcId === vpc?.id && (!q.data.switch_name || s.name === q.data.switch_name),
    );
    const p = page(rows, paging);
    return ok(reply, { Switches: p.items.map((s) => renderSubnet(ctx, s, now, false)), Pager: pascalPager(p) });
  });

  app.get<{ Params: { id: string } }>(
    '/api/v1/subnet/info/:id',
    { config: { simOp: 'subnets.info' } },
    async (req, reply) => {
      const q = SubnetInfo.safeParse(req.query);
      if (!q.success) return ctx.fail(reply);
      const { org } = ctx.caller(req);
      advanceTasks(ctx, org);
      const subnet = findLocal(ctx, org, 'subnet', req.params.id);
      const vpc = findLocal(ctx, org, 'vpc', q.data.vpc_id);
      // A19: the switch must be one of the named VPC's.
      if (!subnet || !vpc || subnet.vpcId !== vpc.id) return ctx.fail(reply);
      return ok(reply, renderSubnet(ctx, subnet, engine.clock.now(), true));
    },
  );
}
