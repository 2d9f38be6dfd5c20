/**
 * Security groups: #81 search, #82 create, #83 delete, #84/#85 bind and unbind NICs (the headings
 * say "cloud host", the fields are NIC ids, D33; #85's path without the document's space, D12),
 * #86 the NICs of a group. A36: a group binds NICs of its tenant; it cannot be deleted while a
 * NIC is bound; rules reach a VM through its bound NICs.
 */
import { z } from 'zod';
import type { SvcContext } from './simulator-context.ts';
import { renderNic } from './simulator-disks.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { boundNics, pendOn, sgOf } from './simulator-sgrules.ts';
import { PAGE_FIELDS, exact, f, fuzzy, paged, refuse, splitList, wireTime } from './simulator-wire.ts';

const Bind = z.object({ 'securitygroup.id': f.reqText(), 'vnic.id': f.reqText() });

function nicsNamed(ctx: SvcContext, tenant: string, list: string) {
  const ids = splitList(list);
  if (ids.length === 0) refuse('Parameter vnic.id is required');
  return ids.map((id) => {
    const nic = ctx.store.nic.get(id, tenant);
    if (!nic || nic.tenant !== tenant) return refuse(`NIC ${id} does not exist`);
    return nic;
  });
}

export const SG_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudsegroup.search',
    method: 'POST',
    path: 'cloudsegroup/search',
    input: z.object({ 'securitygroup.id': f.text(), 'securitygroup.name': f.text(), ...PAGE_FIELDS }),
    handle(ctx, { input: p, tenant }) {
      const tenantName = ctx.store.tenant.get(tenant, null)?.name ?? '';
      const rows = ctx.store.sg
        .list(tenant)
        .filter((g) => exact(g.id, p['securitygroup.id']) && fuzzy(g.name, p['securitygroup.name']))
        .map((g) => ({
          'securitygroup.id': g.id,
          'securitygroup.name': g.name,
          'securitygroup.desc': g.attrs.desc,
          'securitygroup.appid': g.attrs.appId,
          'securitygroup.appname': tenantName,
          'securitygroup.createtime': wireTime(g.createdAt),
        }));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudsegroup.create',
    method: 'POST',
    path: 'cloudsegroup/create',
    input: z.object({
      'securitygroup.name': f.reqName(128),
      'securitygroup.desc': f.name(256),
      'securitygroup.appid': f.text(),
    }),
    handle(ctx, { input: p, tenant }) {
      const app = p['securitygroup.appid'];
      if (app !== undefined && app !== tenant) refuse('Parameter securitygroup.appid must be the tenant of the token');
      const g = ctx.store.sg.add(
        tenant,
        p['securitygroup.name'],
        { desc: p['securitygroup.desc'] ?? '', appId: tenant },
        ctx.newId(),
      );
      return { data: { 'securitygroup.id': g.id } };
    },
  }),
  defineOp({
    op: 'cloudsegroup.delete',
    method: 'DELETE',
    path: 'cloudsegroup/{securitygroupid}',
    handle(ctx, { params, tenant }) {
      const g = sgOf(ctx, tenant, params.securitygroupid ?? '');
      const bound = boundNics(ctx, tenant, g.id).length;
      if (bound > 0) refuse(`Security group ${g.id} still has ${bound} bound NICs`);
      for (const r of ctx.store.sgRule.list(tenant)) if (r.attrs.sgId === g.id) ctx.store.sgRule.remove(r.id);
      for (const r of ctx.store.retry.list(tenant)) if (r.attrs.sgId === g.id) ctx.store.retry.remove(r.id);
      ctx.store.sg.remove(g.id);
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudsegroup.vnic.bind',
    method: 'POST',
    path: 'cloudsegroup/vnic/bind',
    input: Bind,
    handle(ctx, { input: p, tenant }) {
      const g = sgOf(ctx, tenant, p['securitygroup.id']);
      const nics = nicsNamed(ctx, tenant, p['vnic.id']);
      for (const nic of nics) if (nic.attrs.sgIds.includes(g.id)) refuse(`NIC ${nic.id} is already in ${g.id}`);
      for (const nic of nics) {
        nic.attrs.sgIds.push(g.id);
        for (const rule of ctx.store.sgRule.list(tenant))
          if (rule.attrs.sgId === g.id) pendOn(ctx, tenant, rule, nic.attrs.vmId);
      }
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudsegroup.vnic.unbind',
    method: 'POST',
    path: 'cloudsegroup/vnic/unbind',
    input: Bind,
    handle(ctx, { input: p, tenant }) {
      const g = sgOf(ctx, tenant, p['securitygroup.id']);
      const nics = nicsNamed(ctx, tenant, p['vnic.id']);
      for (const nic of nics) if (!nic.attrs.sgIds.includes(g.id)) refuse(`NIC ${nic.id} is not in ${g.id}`);
      for (const nic of nics) nic.attrs.sgIds = nic.attrs.sgIds.filter((id) => id !== g.id);
      const stillBound = new Set(boundNics(ctx, tenant, g.id).map((n) => n.attrs.vmId));
      for (const r of ctx.store.retry.list(tenant))
        if (r.attrs.sgId === g.id && !stillBound.has(r.attrs.vmId)) ctx.store.retry.remove(r.id);
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudsegroup.vnic.search',
    method: 'POST',
    path: 'cloudsegroup/vnic/search',
    input: z.object({ 'securitygroup.id': f.reqText(), 'vnic.ipaddress': f.text(), ...PAGE_FIELDS }),
    handle(ctx, { input: p, tenant }) {
      const g = sgOf(ctx, tenant, p['securitygroup.id']);
      const rows = boundNics(ctx, tenant, g.id)
        .filter((n) => exact(n.attrs.ip, p['vnic.ipaddress']))
        .map((n) => renderNic(ctx, n));
      return paged(rows, p);
    },
  }),
];
