/**
 * Network access-control rules: #30 search (underscored keys), #31 add (dotted keys), #32
 * delete. A37: a rule names the VM by its IP; `net_inner` rules need a direction; ports take
 * the documented list form `80:83,85`; a protocol is required with ports.
 */
import { z } from 'zod';
import type { Rec, SvcContext } from './simulator-context.ts';
import type { AclAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { REQUIRED_PAGE_FIELDS, exact, f, fuzzy, paged, refuse } from './simulator-wire.ts';

/** A port list as the document writes it: ports and `low:high` ranges, comma-separated. */
export function validPorts(text: string): boolean {
  return text.split(',').every((part) => {
    const m = /^(\d{1,5})(?::(\d{1,5}))?$/.exec(part.trim());
    if (!m) return false;
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    return low >= 1 && high <= 65535 && low <= high;
  });
}

function render(ctx: SvcContext, r: Rec<AclAttrs>): Record<string, string> {
  const a = r.attrs;
  const tenant = r.tenant ? ctx.store.tenant.get(r.tenant, null) : undefined;
  return {
    aclrule_id: r.id,
    aclrule_type: a.type,
    aclrule_vrouteid: a.routerId,
    aclrule_vnetid: a.networkId,
    aclrule_target: a.targets,
    vmname: ctx.engine.instances.get(null, a.vmId, { includeLagging: true })?.name ?? a.vmName,
    aclrule_srcip: a.sources,
    aclrule_vmport: a.ports,
    aclrule_protocal: a.protocol,
    // L1451–1453: the router name only with a router, the tenant name only with a tenant.
    ...(a.routerId ? { aclrule_vroutename: a.routerName } : {}),
    ...(tenant ? { aclrule_appname: tenant.name } : {}),
    aclrule_appid: r.tenant ?? '',
  };
}

const SearchInput = z.object({
  aclrule_target: f.text(),
  aclrule_vnetid: f.text(),
  aclrule_type: f.choice(['net_gate', 'net_inner'] as const),
  aclrule_vmport: f.text(),
  aclrule_vrouteid: f.text(),
  ...REQUIRED_PAGE_FIELDS,
});

const AddInput = z.object({
  'vm.ip': f.reqIp(),
  'aclrule.type': f.reqChoice(['net_gate', 'net_inner'] as const),
  'aclrule.desc': f.name(256),
  'allow.direction': f.choice(['in', 'out'] as const),
  'allow.dstips': f.name(512),
  'allow.internalport': f.name(256),
  'allow.sourceips': f.name(512),
  'allow.protocol': f.choice(['tcp', 'udp', 'icmp'] as const, true),
});

export const ACL_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudnetwork.acessrule.search',
    method: 'POST',
    path: 'cloudnetwork/acessrule/search',
    input: SearchInput,
    handle(ctx, { input: p, tenant }) {
      const rows = ctx.store.acl
        .list(tenant)
        .filter(
          (r) =>
            fuzzy(r.attrs.targets, p.aclrule_target) &&
            fuzzy(r.attrs.networkId, p.aclrule_vnetid) &&
            exact(r.attrs.type, p.aclrule_type) &&
            exact(r.attrs.ports, p.aclrule_vmport) &&
            exact(r.attrs.routerId, p.aclrule_vrouteid),
        )
        .map((r) => render(ctx, r));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudnetwork.acessrule.add',
    method: 'POST',
    path: 'cloudnetwork/acessrule/add',
    input: AddInput,
    handle(ctx, { input: p, tenant }) {
      const ip = p['vm.ip'];
      const nic = ctx.store.nic.list(tenant).find((n) => n.attrs.ip === ip);
      if (!nic) return refuse(`No VM of the tenant has the address ${ip}`);
      const type = p['aclrule.type'];
      const direction = p['allow.direction'];
      if (type === 'net_inner' && !direction) refuse('Parameter allow.direction is required for net_inner rules');
      const ports = p['allow.internalport'];
      if (ports !== undefined && !validPorts(ports)) refuse('Parameter allow.internalport must look like 80:83,85');
      if (ports !== undefined && !p['allow.protocol']) refuse('Parameter allow.protocol is required with ports');
      // L1479–1483: the VM's own address is the target of an inbound rule and the source of an outbound one.
      const targets = p['allow.dstips'] ?? (direction === 'out' ? '' : ip);
      const sources = p['allow.sourceips'] ?? (direction === 'out' ? ip : '');
      if (direction === 'in' && targets !== ip) refuse('Parameter allow.dstips must be vm.ip for an inbound rule');
      if (direction === 'out' && sources !== ip) refuse('Parameter allow.sourceips must be vm.ip for an outbound rule');
      const router = type === 'net_gate' ? ctx.store.router.list(tenant)[0] : undefined;
      const inst = ctx.engine.instances.get(tenant, nic.attrs.vmId, { includeLagging: true });
      const rec = ctx.store.acl.add(
        tenant,
        ip,
        {
          type,
          vmId: nic.attrs.vmId,
          vmName: inst?.name ?? '',
          vmIp: ip,
          networkId: nic.attrs.networkId,
          routerId: router?.id ?? '',
          routerName: router?.name ?? '',
          direction: direction ?? '',
          targets,
          sources,
          ports: ports ?? '',
          protocol: p['allow.protocol']?.toLowerCase() ?? '',
          desc: p['aclrule.desc'] ?? '',
        },
        ctx.newId(),
      );
      return { data: { 'rule.id': rec.id } };
    },
  }),
  defineOp({
    op: 'cloudnetwork.acessrule.delete',
    method: 'DELETE',
    path: 'cloudnetwork/acessrule/{ruleId}',
    handle(ctx, { params, tenant }) {
      const r = ctx.store.acl.get(params.ruleId ?? '', tenant);
      if (!r || r.tenant !== tenant) return refuse(`Access-control rule ${params.ruleId} does not exist`);
      ctx.store.acl.remove(r.id);
      return { data: '' };
    },
  }),
];
