/**
 * Security groups and network configs: operations 7 (create_with_rule), 8 (describe), 18
 * (:id/rules), 9 (network_config/create), 14 (network_config/sync) and 15 (network_config/template).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Provider, findRegion, hasZone } from './simulator-catalog.ts';
import { type BxContext, cloudId } from './simulator-context.ts';
import {
  type BxRule,
  type BxSecurityGroup,
  type BxSubnet,
  type BxVpc,
  createNet,
  listNet,
  syncRegion,
} from './simulator-network-store.ts';
import {
  RuleInput,
  accountOf,
  dedupeRules,
  portRangeText,
  readRule,
  securityGroupName,
  switchName,
  validSwitchCidr,
  validVpcCidr,
  vpcName,
} from './simulator-network-rules.ts';
import { findLocal } from './simulator-vpc-routes.ts';
import { bxTime, ok, page, pascalPager, readPaging } from './simulator-wire.ts';

const SgType = z.enum(['normal', 'enterprise']);
const SgCreate = z.object({
  account_key: z.string().min(1),
  vpc_id: z.string().min(1),
  security_group_name: securityGroupName,
  // A34: the key is required; an empty list makes a group with no rules.
  rules: z.array(RuleInput).max(200),
});
const SgDescribe = z.object({
  region_id: z.string().optional(),
  vpc_id: z.string().min(1),
  security_group_name: z.string().optional(),
});
const NetworkConfigCreate = z.object({
  provider: Provider,
  region_id: z.string().min(1),
  cidr_block: z.string().min(1),
  vpc_name: vpcName(128),
  zone_id: z.string().min(1),
  switch_cidr_block: z.string().min(1),
  switch_name: switchName,
  security_group_name: securityGroupName,
  security_group_type: SgType,
  ak: z.string().min(1),
});
const SyncBody = z.object({ provider: Provider, region_id: z.string().min(1), account_key: z.string().min(1) });

/** What network_config/template offers and network_config/create gives a new group (A17). */
const OPEN_RULES: BxRule[] = (['ingress', 'egress'] as const).map((direction) => ({
  protocol: 'all',
  portFrom: -1,
  portTo: -1,
  direction,
  groupId: '',
  cidrIp: '0.0.0.0/0',
  prefixListId: '',
}));

export function registerSecurityGroupRoutes(app: FastifyInstance, ctx: BxContext): void {
  const { engine } = ctx;

  app.post(
    '/api/v1/security_group/create_with_rule',
    { config: { simOp: 'security_groups.create' } },
    async (req, reply) => {
      const b = SgCreate.safeParse(req.body);
      if (!b.success) return ctx.fail(reply);
      const { org } = ctx.caller(req);
      const vpc = findLocal(ctx, org, 'vpc', b.data.vpc_id);
      if (!vpc || vpc.account !== b.data.account_key || !accountOf(ctx, org, b.data.account_key))
        return ctx.fail(reply);
      const groups = listNet(engine, 'local', org, 'security_group').filter((g) => g.vpcId === vpc.id);
      const rules: BxRule[] = [];
      for (const input of b.data.rules) {
        const rule = readRule(input, (id) => groups.some((g) => g.id === id));
        if (!rule) return ctx.fail(reply);
        rules.push(rule);
      }
      const now = engine.clock.now();
      const group: BxSecurityGroup = {
        kind: 'security_group',
        id: cloudId(engine, 'sg-', vpc.region, 20),
        rowId: 0,
        org,
        account: vpc.account,
        provider: vpc.provider,
        region: vpc.region,
        vpcId: vpc.id,
        name: b.data.security_group_name,
        type: 'normal',
        rules: dedupeRules(rules),
        createdAt: now,
        readyAt: now,
      };
      return ok(reply, createNet(ctx, group).id);
    },
  );

  app.get('/api/v1/security_group/describe', { config: { simOp: 'security_groups.describe' } }, async (req, reply) => {
    const q = SgDescribe.safeParse(req.query);
    const paging = readPaging(req.query as Record<string, unknown>);
    if (!q.success || !paging) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    const vpc = findLocal(ctx, org, 'vpc', q.data.vpc_id);
    const rows = listNet(engine, 'local', org, 'security_group')
      .filter(
        (g) =>
          g.vpcId === vpc?.id &&
          (!q.data.region_id || g.region === q.data.region_id) &&
          (!q.data.security_group_name || g.name === q.data.security_group_name),
      )
      .sort((a, b) => b.rowId - a.rowId);
    const p = page(rows, paging);
    return ok(reply, {
      Groups: p.items.map((g) => ({
        VpcId: g.vpcId,
        SecurityGroupId: g.id,
        SecurityGroupName: g.name,
        SecurityGroupType: g.type,
        CreateAt: bxTime(g.createdAt),
      })),
      Pager: pascalPager(p),
    });
  });

  // A19: `:id` is the group's cloud id (or its numeric row id); the answer is snake_case.
  app.get<{ Params: { id: string } }>(
    '/api/v1/security_group/:id/rules',
    { config: { simOp: 'security_groups.rules' } },
    async (req, reply) => {
      const g = findLocal(ctx, ctx.caller(req).org, 'security_group', req.params.id);
      if (!g) return ctx.fail(reply);
      return ok(reply, {
        security_group_id: g.id,
        security_group_name: g.name,
        security_group_type: g.type,
        rules: g.rules.map((r) => ({
          protocol: r.protocol,
          port_range: portRangeText(r),
          direction: r.direction,
          group_id: r.groupId,
          cidr_ip: r.cidrIp,
          prefix_list_id: r.prefixListId,
        })),
      });
    },
  );

  // A17: VPC, switch and group in one call, all checked before any is made; the answer is the VPC id.
  app.post('/api/v1/network_config/create', { config: { simOp: 'network_config.create' } }, async (req, reply) => {
    const b = NetworkConfigCreate.safeParse(req.body);
    if (!b.success) return ctx.fail(reply);
    const d = b.data;
    const { org } = ctx.caller(req);
    if (!accountOf(ctx, org, d.ak, d.provider) || !findRegion(engine, d.provider, d.region_id)) return ctx.fail(reply);
    if (!hasZone(engine, d.provider, d.region_id, d.zone_id) || !validVpcCidr(d.cidr_block)) return ctx.fail(reply);
    if (!validSwitchCidr(d.switch_cidr_block, d.cidr_block, [])) return ctx.fail(reply);
    const now = engine.clock.now();
    const readyAt = now + ctx.state.timing.networkReadyMs;
    const base = { rowId: 0, org, account: d.ak, provider: d.provider, region: d.region_id, createdAt: now };
    const vpc: BxVpc = {
      ...base,
      kind: 'vpc',
      id: cloudId(engine, 'vpc-', d.region_id, 21),
      name: d.vpc_name,
      cidr: d.cidr_block,
      readyAt,
    };
    const subnet: BxSubnet = {
      ...base,
      kind: 'subnet',
      id: cloudId(engine, 'vsw-', d.region_id, 21),
      vpcId: vpc.id,
      zone: d.zone_id,
      name: d.switch_name,
      cidr: d.switch_cidr_block,
      isDefault: false,
      readyAt,
    };
    const group: BxSecurityGroup = {
      ...base,
      kind: 'security_group',
      id: cloudId(engine, 'sg-', d.region_id, 20),
      vpcId: vpc.id,
      name: d.security_group_name,
      type: d.security_group_type,
      rules: OPEN_RULES.map((r) => ({ ...r })),
      readyAt: now,
    };
    for (const rec of [vpc, subnet, group]) createNet(ctx, rec);
    return ok(reply, vpc.id);
  });

  // A20: the cloud's VPCs, switches and groups of one account and region become BridgX's records.
  app.post('/api/v1/network_config/sync', { config: { simOp: 'network_config.sync' } }, async (req, reply) => {
    const b = SyncBody.safeParse(req.body);
    if (!b.success) return ctx.fail(reply);
    const { org } = ctx.caller(req);
    const { provider, region_id: region, account_key: account } = b.data;
    if (!accountOf(ctx, org, account, provider) || !findRegion(engine, provider, region)) return ctx.fail(reply);
    const delayMs = ctx.state.timing.syncMs;
    engine.jobs.create({ tenant: org, kind: 'bridgx.network_sync', delayMs, attrs: { account, region } });
    if (delayMs === 0) syncRegion(ctx, org, account, region);
    else ctx.state.syncs.push({ org, account, region, at: engine.clock.now() + delayMs });
    return ok(reply, null);
  });

  // A17: the document's defaults, with English names (names must start with a letter).
  app.get('/api/v1/network_config/template', { config: { simOp: 'network_config.template' } }, async (req, reply) => {
    const q = z.object({ provider: Provider }).safeParse(req.query);
    if (!q.success) return ctx.fail(reply);
    return ok(reply, {
      provider: q.data.provider,
      region_id: '',
      cidr_block: '10.0.0.0/16',
      vpc_name: 'default-vpc',
      zone_id: '',
      switch_cidr_block: '10.0.0.0/24',
      gateway_ip: '10.0.0.254',
      switch_name: 'default-switch',
      security_group_name: 'default-security-group',
      security_group_type: 'normal',
      ak: '',
      // A34: the template writes ports as integers, 0/0 meaning every port.
      rules: OPEN_RULES.map((r) => ({
        protocol: r.protocol,
        port_from: 0,
        port_to: 0,
        direction: r.direction,
        group_id: '',
        cidr_ip: r.cidrIp,
        prefix_list_id: '',
      })),
    });
  });
}
