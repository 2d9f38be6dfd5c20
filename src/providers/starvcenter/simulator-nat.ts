/**
 * Address mappings: #26 `sharenet/connect` (an IP mapping of a VM onto the shared network),
 * #27 its search, #28 port mapping, #29 delete either, #62 the cloud router's NAT list and
 * #66 the external IP pool search. A32/A33: an external IP serves one tenant at a time; an IP
 * mapping takes a whole IP, port mappings share one by port and protocol.
 */
import { z } from 'zod';
import { type Rec, type SvcContext, vmOf } from './simulator-context.ts';
import { checkQuota } from './simulator-quota.ts';
import type { NatAttrs, SlbAttrs } from './simulator-records.ts';
import { vmAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { ipToNumber, numberToIp } from './simulator-seed.ts';
import { PAGE_FIELDS, REQUIRED_PAGE_FIELDS, exact, f, fuzzy, paged, refuse, wireTime } from './simulator-wire.ts';

/** The shared network that spans tenants (D35): 172.16.0.0/16, mappings from .0.10 on. */
const SHARE_BASE = ipToNumber('172.16.0.10');

function allNat(ctx: SvcContext): Rec<NatAttrs>[] {
  return ctx.engine.catalog.list('svc.nat', null) as unknown as Rec<NatAttrs>[];
}

/** Who holds an external IP now, and how: an IP mapping, port mappings, SLB frontends. */
export function ipUse(ctx: SvcContext, ip: string) {
  const nat = allNat(ctx).filter((n) => n.attrs.outerIp === ip);
  const slbs = (ctx.engine.catalog.list('svc.slb', null) as unknown as Rec<SlbAttrs>[]).filter(
    (s) => s.attrs.directIp === ip && s.attrs.networkType === 'outter',
  );
  const natWhole = nat.some((n) => n.attrs.type === 'ip');
  return {
    owner: nat[0]?.tenant ?? slbs[0]?.tenant ?? null,
    natWhole,
    ports: nat.filter((n) => n.attrs.type === 'port'),
    slbs,
    /** Taken as a whole: by an IP mapping or an exclusive SLB frontend. */
    whole: natWhole || slbs.some((s) => s.attrs.directIpSelf),
  };
}

export function poolIp(ctx: SvcContext, ip: string): void {
  if (!ctx.store.outerIp.get(ip, null)) refuse(`External IP ${ip} is not in the IP pool`);
}

function routerId(ctx: SvcContext, tenant: string): string {
  return ctx.store.router.list(tenant)[0]?.id ?? '';
}

function vmName(ctx: SvcContext, n: Rec<NatAttrs>): string {
  return ctx.engine.instances.get(null, n.attrs.vmId, { includeLagging: true })?.name ?? n.attrs.vmName;
}

function ownIp(ctx: SvcContext, tenant: string, ip: string, use: ReturnType<typeof ipUse>): void {
  if (use.owner !== null && use.owner !== tenant) refuse(`External IP ${ip} is used by another tenant`);
  if (use.owner === null) checkQuota(ctx, tenant, { outerip: 1 });
}

export const NAT_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudnetwork.sharenet.connect',
    method: 'POST',
    path: 'cloudnetwork/sharenet/connect',
    input: z.object({
      'vm.id': f.reqText(),
      'vm.outer.ipaddress': f.ip(),
      'vm.allow.srcip': f.name(512),
      desc: f.name(256),
    }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vm.id']);
      if (inst.state === 'deleting') refuse(`VM ${inst.id} is being deleted`);
      const mine = allNat(ctx).filter((n) => n.attrs.type === 'ip');
      if (mine.some((n) => n.attrs.vmId === inst.id)) refuse(`VM ${inst.id} already has an IP mapping`);
      const outer = p['vm.outer.ipaddress'];
      if (outer) {
        poolIp(ctx, outer);
        const use = ipUse(ctx, outer);
        if (use.whole || use.ports.length > 0 || use.slbs.length > 0) refuse(`External IP ${outer} is already mapped`);
        ownIp(ctx, tenant, outer, use);
      }
      const taken = new Set(mine.map((n) => n.attrs.shareIp));
      let k = SHARE_BASE;
      while (taken.has(numberToIp(k))) k++;
      const a = vmAttrs(inst);
      const rec = ctx.store.nat.add(
        tenant,
        inst.name,
        {
          type: 'ip',
          vmId: inst.id,
          vmName: inst.name,
          innerIp: a.ip,
          innerPort: '',
          outerIp: outer ?? '',
          outerPort: '',
          protocol: '',
          shareIp: numberToIp(k),
          srcIp: p['vm.allow.srcip'] ?? '',
          networkId: a.networkId,
          routerId: routerId(ctx, tenant),
          desc: p.desc ?? '',
        },
        ctx.newId(),
      );
      return { data: { 'tenant.shareip': rec.attrs.shareIp } };
    },
  }),
  defineOp({
    op: 'cloudnetwork.sharenet.search',
    method: 'POST',
    path: 'cloudnetwork/sharenet/search',
    input: z.object({ 'vm.name': f.text(), 'tenant.shareip': f.text(), ...REQUIRED_PAGE_FIELDS }),
    handle(ctx, { input: p, tenant }) {
      const rows = ctx.store.nat
        .list(tenant)
        .filter((n) => n.attrs.type === 'ip')
        .map((n) => ({
          'nat.id': n.id,
          'vm.id': n.attrs.vmId,
          'vm.name': vmName(ctx, n),
          'tenant.shareip': n.attrs.shareIp,
        }))
        .filter((r) => fuzzy(r['vm.name'], p['vm.name']) && fuzzy(r['tenant.shareip'], p['tenant.shareip']));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudnetwork.portMapping.create',
    method: 'POST',
    path: 'cloudnetwork/portMapping/create',
    input: z.object({
      innerIp: f.reqIp(),
      innerPort: f.reqInt(1, 65535),
      ipaddress: f.reqIp(),
      outerPort: f.reqInt(1, 65535),
      // D11: `protocal` is the wire name.
      protocal: f.reqChoice(['tcp', 'udp'] as const, true),
      sourceIp: f.name(512),
      desc: f.name(256),
    }),
    handle(ctx, { input: p, tenant }) {
      const nic = ctx.store.nic.list(tenant).find((n) => n.attrs.ip === p.innerIp);
      if (!nic) refuse(`No VM of the tenant has the address ${p.innerIp}`);
      poolIp(ctx, p.ipaddress);
      const use = ipUse(ctx, p.ipaddress);
      if (use.whole) refuse(`External IP ${p.ipaddress} is mapped as a whole`);
      const protocol = p.protocal.toLowerCase();
      if (use.ports.some((n) => n.attrs.outerPort === String(p.outerPort) && n.attrs.protocol === protocol))
        refuse(`Port ${p.outerPort}/${protocol} of ${p.ipaddress} is already mapped`);
      ownIp(ctx, tenant, p.ipaddress, use);
      const inst = ctx.engine.instances.get(tenant, nic.attrs.vmId, { includeLagging: true });
      const rec = ctx.store.nat.add(
        tenant,
        `${p.ipaddress}:${p.outerPort}`,
        {
          type: 'port',
          vmId: nic.attrs.vmId,
          vmName: inst?.name ?? '',
          innerIp: p.innerIp,
          innerPort: String(p.innerPort),
          outerIp: p.ipaddress,
          outerPort: String(p.outerPort),
          protocol,
          shareIp: '',
          srcIp: p.sourceIp ?? '',
          networkId: nic.attrs.networkId,
          routerId: routerId(ctx, tenant),
          desc: p.desc ?? '',
        },
        ctx.newId(),
      );
      // D15: the answer is undocumented; the mapping id is what #29 deletes.
      return { data: { 'nat.id': rec.id } };
    },
  }),
  defineOp({
    op: 'cloudnetwork.ipmapping.delete',
    method: 'DELETE',
    path: 'cloudnetwork/ipmapping/{natId}',
    handle(ctx, { params, tenant }) {
      const n = ctx.store.nat.get(params.natId ?? '', tenant);
      if (!n || n.tenant !== tenant) return refuse(`Mapping ${params.natId} does not exist`);
      ctx.store.nat.remove(n.id);
      return { data: {} };
    },
  }),
  defineOp({
    op: 'vroute.Mapping.search',
    method: 'POST',
    path: 'vroute/Mapping/search',
    input: z.object({
      natOuterip: f.text(),
      natType: f.choice(['ip', 'port'] as const),
      natOuterport: f.text(),
      natInnerport: f.text(),
      natInnerip: f.text(),
      natVrouteid: f.text(),
      natAppid: f.text(),
      ...PAGE_FIELDS,
    }),
    handle(ctx, { input: p, tenant }) {
      const rows = ctx.store.nat
        .list(tenant)
        .filter(
          (n) =>
            exact(n.attrs.outerIp, p.natOuterip) &&
            exact(n.attrs.type, p.natType) &&
            exact(n.attrs.outerPort, p.natOuterport) &&
            exact(n.attrs.innerPort, p.natInnerport) &&
            exact(n.attrs.innerIp, p.natInnerip) &&
            exact(n.attrs.routerId, p.natVrouteid) &&
            exact(n.tenant ?? '', p.natAppid),
        )
        .map((n) => ({
          nat_outerport: n.attrs.outerPort,
          nat_id: n.id,
          nat_protocal: n.attrs.protocol,
          nat_usedtime: wireTime(n.createdAt),
          nat_innerport: n.attrs.innerPort,
          nat_innerip: n.attrs.innerIp,
          // D11: the VM keys carry a `net_` prefix among the `nat_` ones, as documented.
          net_vmid: n.attrs.vmId,
          net_vmname: vmName(ctx, n),
          nat_type: n.attrs.type,
          nat_vnetid: n.attrs.networkId,
          nat_outerip: n.attrs.outerIp,
          nat_vrouteid: n.attrs.routerId,
          nat_desc: n.attrs.desc,
          nat_srcip: n.attrs.srcIp,
        }));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudip.mapping.outerIp.search',
    method: 'POST',
    path: 'cloudip/mapping/outerIp/search',
    input: z.object({
      'inner.ip': f.text(),
      'nat.type': f.choice(['ip', 'port'] as const),
      ipaddress: f.text(),
      'tenant.id': f.text(),
      'ipaddress.only': f.text(),
      ...PAGE_FIELDS,
    }),
    handle(ctx, { input: p, tenant }) {
      const owner = p['tenant.id'] ?? tenant;
      const type = p['nat.type'];
      const rows: Array<Record<string, string>> = [];
      for (const ip of ctx.store.outerIp.list(null)) {
        const use = ipUse(ctx, ip.id);
        if (use.owner !== null && use.owner !== owner) continue;
        if (!fuzzy(ip.id, p.ipaddress) || !exact(ip.id, p['ipaddress.only'])) continue;
        const inner = p['inner.ip'];
        if (inner !== undefined && !allNat(ctx).some((n) => n.attrs.outerIp === ip.id && n.attrs.innerIp === inner))
          continue;
        if (type === 'ip' && (use.whole || use.ports.length > 0 || use.slbs.length > 0)) continue;
        if (type === 'port' && use.whole) continue;
        const ports = [...new Set(use.ports.map((n) => Number(n.attrs.outerPort)))].sort((a, b) => a - b).join(',');
        // L2998: an empty `ports` means unused; for type `ip` the field is absent.
        rows.push({
          ipaddress: ip.id,
          ...(type === 'ip' ? {} : { ports }),
          gateway: ip.attrs.gateway,
          netmask: ip.attrs.netmask,
        });
      }
      return paged(rows, p);
    },
  }),
];
