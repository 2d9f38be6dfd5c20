/**
 * SLB backend nodes: #74 search (which cannot filter by SLB, D31), #75 add, #76 modify, #77
 * delete. A35: a node names a VM of the tenant; weights are 1–10, default 1.
 */
import { z } from 'zod';
import { type Rec, type SvcContext, vmOf } from './simulator-context.ts';
import type { RealnodeAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { PAGE_FIELDS, bool, exact, f, fuzzy, paged, refuse, wireTime } from './simulator-wire.ts';

/** A node as #68 (inside `realnode`) and #75 take it. */
export const RealnodeFields = z.object({
  'realnode.name': f.name(128),
  'realnode.desc': f.name(256),
  'realnode.ip': f.reqIp(),
  'realnode.port': f.reqInt(1, 65535),
  'realnode.vmid': f.reqText(),
  'realnode.weight': f.int(1, 10),
});
export type RealnodeFields = z.infer<typeof RealnodeFields>;

export function addRealnode(ctx: SvcContext, tenant: string, slbId: string, n: RealnodeFields): Rec<RealnodeAttrs> {
  return ctx.store.realnode.add(
    tenant,
    n['realnode.name'] ?? `${n['realnode.ip']}:${n['realnode.port']}`,
    {
      desc: n['realnode.desc'] ?? '',
      slbId,
      ip: n['realnode.ip'],
      port: n['realnode.port'],
      vmId: n['realnode.vmid'],
      weight: n['realnode.weight'] ?? 1,
      enable: true,
    },
    ctx.newId(),
  );
}

function render(r: Rec<RealnodeAttrs>): Record<string, string> {
  return {
    'realnode.id': r.id,
    'realnode.name': r.name,
    'realnode.desc': r.attrs.desc,
    'realnode.createtime': wireTime(r.createdAt),
    'realnode.slbid': r.attrs.slbId,
    'realnode.enable': bool(r.attrs.enable),
    'realnode.ip': r.attrs.ip,
    'realnode.port': String(r.attrs.port),
    'realnode.vmid': r.attrs.vmId,
    'realnode.weight': String(r.attrs.weight),
  };
}

function nodeOf(ctx: SvcContext, tenant: string, id: string): Rec<RealnodeAttrs> {
  const r = ctx.store.realnode.get(id, tenant);
  if (!r || r.tenant !== tenant) return refuse(`Backend node ${id} does not exist`);
  return r;
}

export const REALNODE_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudslb.realnode.search',
    method: 'POST',
    path: 'cloudslb/realnode/search',
    input: z.object({
      'realnode.id': f.text(),
      'realnode.name': f.text(),
      'realnode.ip': f.text(),
      'realnode.port': f.text(),
      'search.orderby': f.choice(['createtime', 'name'] as const),
      ...PAGE_FIELDS,
    }),
    handle(ctx, { input: p, tenant }) {
      const rows = ctx.store.realnode
        .list(tenant)
        .filter(
          (r) =>
            exact(r.id, p['realnode.id']) &&
            fuzzy(r.name, p['realnode.name']) &&
            exact(r.attrs.ip, p['realnode.ip']) &&
            exact(String(r.attrs.port), p['realnode.port']),
        );
      if (p['search.orderby'] === 'name')
        rows.sort((a, b) => a.name.localeCompare(b.name) || a.createdAt - b.createdAt);
      const page = paged(rows, p);
      return { data: page.data.map(render), dataCount: page.dataCount };
    },
  }),
  defineOp({
    op: 'cloudslb.realnode.add',
    method: 'POST',
    path: 'cloudslb/realnode/add',
    input: RealnodeFields.extend({ 'realnode.slbid': f.reqText() }),
    handle(ctx, { input: p, tenant }) {
      const slb = ctx.store.slb.get(p['realnode.slbid'], tenant);
      if (!slb || slb.tenant !== tenant) return refuse(`SLB ${p['realnode.slbid']} does not exist`);
      vmOf(ctx, tenant, p['realnode.vmid']);
      return { data: { 'realnode.id': addRealnode(ctx, tenant, slb.id, p).id } };
    },
  }),
  defineOp({
    op: 'cloudslb.realnode.modify',
    method: 'PUT',
    path: 'cloudslb/realnode/modify',
    input: z.object({ 'realnode.id': f.reqText(), 'realnode.port': f.int(1, 65535), 'realnode.weight': f.int(1, 10) }),
    handle(ctx, { input: p, tenant }) {
      const r = nodeOf(ctx, tenant, p['realnode.id']);
      r.attrs.port = p['realnode.port'] ?? r.attrs.port;
      r.attrs.weight = p['realnode.weight'] ?? r.attrs.weight;
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudslb.realnode.delete',
    method: 'DELETE',
    path: 'cloudslb/realnode/{realnodeid}',
    handle(ctx, { params, tenant }) {
      ctx.store.realnode.remove(nodeOf(ctx, tenant, params.realnodeid ?? '').id);
      return { data: '' };
    },
  }),
];
