/**
 * VPCs, switches and security groups in two layers (A20): what exists in the cloud account
 * (catalog kind `cloud_network`) and what BridgX has recorded (kind `network`), which is what
 * the describe and info calls read. Creates write both layers; a region sync copies the cloud's
 * objects of one account and region into BridgX's records and drops records the cloud lost.
 */
import type { SimEngine } from '../../sim/index.ts';
import type { BxContext } from './simulator-context.ts';
import type { BxNetworkSeed, BxProvider, BxRuleSeed } from './simulator-seed.ts';

export interface BxRule {
  protocol: BxRuleSeed['protocol'];
  portFrom: number;
  portTo: number;
  direction: BxRuleSeed['direction'];
  groupId: string;
  cidrIp: string;
  prefixListId: string;
}

interface NetBase {
  id: string;
  /** BridgX's numeric row id (0 in the cloud layer); `/vpc/info/1` style paths accept it (A19). */
  rowId: number;
  org: string;
  account: string;
  provider: BxProvider;
  region: string;
  name: string;
  createdAt: number;
  readyAt: number;
}

export interface BxVpc extends NetBase {
  kind: 'vpc';
  cidr: string;
}

export interface BxSubnet extends NetBase {
  kind: 'subnet';
  vpcId: string;
  zone: string;
  cidr: string;
  isDefault: boolean;
}

export interface BxSecurityGroup extends NetBase {
  kind: 'security_group';
  vpcId: string;
  type: 'normal' | 'enterprise';
  rules: BxRule[];
}

export type BxNet = BxVpc | BxSubnet | BxSecurityGroup;
export type Layer = 'local' | 'cloud';

const KIND: Record<Layer, string> = { local: 'network', cloud: 'cloud_network' };

export function putNet(engine: SimEngine, layer: Layer, rec: BxNet): BxNet {
  engine.catalog.put({
    id: rec.id,
    kind: KIND[layer],
    tenant: rec.org,
    name: rec.name,
    subtype: rec.kind,
    createdAt: rec.createdAt,
    attrs: { rec },
  });
  return rec;
}

export function getNet<K extends BxNet['kind']>(
  engine: SimEngine,
  layer: Layer,
  org: string,
  kind: K,
  id: string,
): Extract<BxNet, { kind: K }> | undefined {
  const r = engine.catalog.get(KIND[layer], id, org);
  const rec = r?.attrs['rec'] as BxNet | undefined;
  return rec && rec.kind === kind && rec.org === org ? (rec as Extract<BxNet, { kind: K }>) : undefined;
}

/** Records of one kind, oldest first. */
export function listNet<K extends BxNet['kind']>(
  engine: SimEngine,
  layer: Layer,
  org: string,
  kind: K,
): Array<Extract<BxNet, { kind: K }>> {
  return engine.catalog
    .list(KIND[layer], org, kind)
    .map((r) => r.attrs['rec'] as BxNet)
    .filter((rec): rec is Extract<BxNet, { kind: K }> => rec.kind === kind && rec.org === org);
}

export function dropNet(engine: SimEngine, layer: Layer, rec: BxNet): void {
  engine.catalog.delete(KIND[layer], rec.id, rec.org);
}

/** `Pending` until the object is configured, then `Available` (A22). */
export function netStatus(rec: BxNet, now: number): 'Pending' | 'Available' {
  return rec.readyAt <= now ? 'Available' : 'Pending';
}

/** Writes a new object into the cloud and into BridgX's records (a create through BridgX). */
export function createNet(ctx: BxContext, rec: BxNet): BxNet {
  putNet(ctx.engine, 'cloud', { ...rec, rowId: 0 });
  return putNet(ctx.engine, 'local', { ...rec, rowId: ++ctx.state.counters.row });
}

/** Copies the cloud's objects of one account and region into BridgX's records (A20). */
export function syncRegion(ctx: BxContext, org: string, account: string, region: string): void {
  const { engine } = ctx;
  const inScope = (r: BxNet) => r.account === account && r.region === region;
  for (const kind of ['vpc', 'subnet', 'security_group'] as const) {
    const cloud = listNet(engine, 'cloud', org, kind).filter(inScope);
    const cloudIds = new Set(cloud.map((r) => r.id));
    for (const local of listNet(engine, 'local', org, kind).filter(inScope))
      if (!cloudIds.has(local.id)) dropNet(engine, 'local', local);
    for (const rec of cloud) {
      const known = getNet(engine, 'local', org, kind, rec.id);
      putNet(engine, 'local', structuredClone({ ...rec, rowId: known?.rowId ?? ++ctx.state.counters.row }));
    }
  }
}

/** Applies region syncs whose time has come (a sync with a delay lands on a later read). */
export function landSyncs(ctx: BxContext): void {
  const now = ctx.engine.clock.now();
  const due = ctx.state.syncs.filter((s) => s.at <= now);
  if (due.length === 0) return;
  ctx.state.syncs = ctx.state.syncs.filter((s) => s.at > now);
  for (const s of due) syncRegion(ctx, s.org, s.account, s.region);
}

export function ruleOf(seed: BxRuleSeed): BxRule {
  return {
    protocol: seed.protocol,
    portFrom: seed.portFrom,
    portTo: seed.portTo,
    direction: seed.direction,
    groupId: seed.groupId ?? '',
    cidrIp: seed.groupId ? '' : (seed.cidrIp ?? ''),
    prefixListId: '',
  };
}

export function seedNetworks(ctx: BxContext, seeds: BxNetworkSeed[]): void {
  const now = ctx.engine.clock.now();
  for (const s of seeds) {
    const account = ctx.state.accounts.get(s.account);
    if (!account || account.org !== s.org) throw new Error(`network seed names unknown account ${s.account}`);
    const base = { org: s.org, account: s.account, provider: account.provider, region: s.region, createdAt: now };
    const recs: BxNet[] = [
      { ...base, kind: 'vpc', id: s.vpc.id, rowId: 0, name: s.vpc.name, cidr: s.vpc.cidr, readyAt: now },
      ...s.subnets.map((n): BxSubnet => ({
        ...base,
        kind: 'subnet',
        id: n.id,
        rowId: 0,
        name: n.name,
        vpcId: s.vpc.id,
        zone: n.zone,
        cidr: n.cidr,
        isDefault: n.isDefault ?? false,
        readyAt: now,
      })),
      ...s.securityGroups.map((g): BxSecurityGroup => ({
        ...base,
        kind: 'security_group',
        id: g.id,
        rowId: 0,
        name: g.name,
        vpcId: s.vpc.id,
        type: g.type,
        rules: g.rules.map(ruleOf),
        readyAt: now,
      })),
    ];
    for (const rec of recs) {
      if (s.synced) createNet(ctx, rec);
      else putNet(ctx.engine, 'cloud', rec);
    }
  }
}
