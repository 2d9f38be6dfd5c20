/**
 * Tenant private networks: #22 create, #23 modify, #24 delete (a POST, D26), #25 search, and
 * #33 the subnet edge firewall switch. A24: one record is the VPC, the subnet and the
 * portgroup of the document (`vpc.id` = `vnic.portgroupid` = `portgroup.id`).
 */
import { z } from 'zod';
import { type Rec, type SvcContext, networkOf } from './simulator-context.ts';
import { checkQuota } from './simulator-quota.ts';
import type { NetworkAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { seedNetwork } from './simulator-seed.ts';
import { freeAddresses } from './simulator-vm-common.ts';
import { PAGE_FIELDS, f, paged, refuse, wireTime } from './simulator-wire.ts';

function renderNetwork(n: Rec<NetworkAttrs>): Record<string, string> {
  return {
    'vpc.id': n.id,
    'vpc.name': n.name,
    'vpc.cidr': n.attrs.cidr,
    'vpc.gateway': n.attrs.gateway,
    'vpc.usable.ipcount': String(freeAddresses(n.attrs)),
    'vpc.desc': n.attrs.desc,
    'vpc.createtime': wireTime(n.createdAt),
  };
}

/** A24: the platform picks the block: the lowest free 192.168.N.0/24 from N = 100. */
function nextBlock(ctx: SvcContext): number {
  const taken = new Set(
    ctx.engine.catalog.list('svc.network', null).map((n) => String((n.attrs as unknown as NetworkAttrs).cidr)),
  );
  for (let n = 100; n < 255; n++) if (!taken.has(`192.168.${n}.0/24`)) return n;
  return refuse('No address block is left for a new private network');
}

const Name = () => f.name(128);

export const NETWORK_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudnetwork.vpc.create',
    method: 'POST',
    path: 'cloudnetwork/vpc/create',
    input: z.object({ 'vpc.name': Name(), 'vpc.desc': f.name(256) }),
    handle(ctx, { input: p, tenant }) {
      checkQuota(ctx, tenant, { portgroup: 1 });
      const block = nextBlock(ctx);
      const id = ctx.newId();
      const name = p['vpc.name'] ?? `vpc-${block}`;
      seedNetwork(
        ctx,
        { id, tenant, name, cidr: `192.168.${block}.0/24`, gateway: `192.168.${block}.1` },
        p['vpc.desc'] ?? '',
      );
      const net = networkOf(ctx, tenant, id);
      const { 'vpc.id': vid, 'vpc.name': vname, 'vpc.cidr': cidr, 'vpc.gateway': gateway } = renderNetwork(net);
      return { data: { 'vpc.id': vid, 'vpc.name': vname, 'vpc.cidr': cidr, 'vpc.gateway': gateway } };
    },
  }),
  defineOp({
    op: 'cloudnetwork.vpc.modify',
    method: 'PUT',
    path: 'cloudnetwork/vpc/modify',
    input: z.object({ 'vpc.id': f.reqText(), 'vpc.name': Name(), 'vpc.desc': f.name(256) }),
    handle(ctx, { input: p, tenant }) {
      const net = networkOf(ctx, tenant, p['vpc.id']);
      if (p['vpc.name'] !== undefined) net.name = p['vpc.name'];
      if (p['vpc.desc'] !== undefined) net.attrs.desc = p['vpc.desc'];
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudnetwork.vpc.delete',
    method: 'POST',
    path: 'cloudnetwork/vpc/delete',
    input: z.object({ 'vpc.id': f.reqText() }),
    handle(ctx, { input: p, tenant }) {
      const net = networkOf(ctx, tenant, p['vpc.id']);
      if (net.attrs.used > 0) refuse(`Private network ${net.id} still has ${net.attrs.used} NICs`);
      for (const r of ctx.store.router.list(tenant))
        if (r.attrs.networkIds.includes(net.id))
          refuse(`Private network ${net.id} is attached to cloud router ${r.id}`);
      ctx.store.network.remove(net.id);
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudnetwork.vpc.search',
    method: 'POST',
    path: 'cloudnetwork/vpc/search',
    // D14: no request fields are documented; paging is read as on every other search.
    input: z.object(PAGE_FIELDS),
    handle(ctx, { input: p, tenant }) {
      const nets = ctx.store.network.list(tenant).filter((n) => n.tenant === tenant);
      const page = paged(nets, p);
      return { data: page.data.map(renderNetwork), dataCount: page.dataCount };
    },
  }),
  defineOp({
    op: 'cloudnetwork.netgate',
    method: 'POST',
    path: 'cloudnetwork/netgate',
    input: z.object({ 'portgroup.id': f.reqText(), type: f.reqChoice(['open', 'close'] as const) }),
    handle(ctx, { input: p, tenant }) {
      networkOf(ctx, tenant, p['portgroup.id']).attrs.netgate = p.type;
      return { data: '' };
    },
  }),
];
