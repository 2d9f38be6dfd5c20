/**
 * Tenants and quotas: #1 `cloudTenant/create`, #63 `resourcequota/search`, #64
 * `resourcequota/modify`, #65 `resourcequota/usableQuota`, and the quota check that VM, disk,
 * network and mapping creates run (A22). A23: the document names no administrator credential,
 * so any valid tenant token may call these.
 */
import { z } from 'zod';
import type { SvcContext } from './simulator-context.ts';
import { tenantOf } from './simulator-context.ts';
import { type Quota, vmAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { f, refuse } from './simulator-wire.ts';

const LABEL: Record<keyof Quota, string> = {
  cpu: 'CPU cores',
  memory: 'memory (MB)',
  storage: 'storage (GB)',
  portgroup: 'private networks',
  outerip: 'external IPs',
};

/** What a tenant holds now. A VM whose creation failed (-2) holds nothing. */
export function usageOf(ctx: SvcContext, tenant: string): Quota {
  const vms = ctx.engine.instances.all(tenant).filter((i) => i.state !== 'error');
  const outer = new Set<string>();
  for (const n of ctx.store.nat.list(tenant)) if (n.tenant === tenant && n.attrs.outerIp) outer.add(n.attrs.outerIp);
  for (const s of ctx.store.slb.list(tenant))
    if (s.tenant === tenant && s.attrs.networkType === 'outter') outer.add(s.attrs.directIp);
  return {
    cpu: vms.reduce((n, i) => n + vmAttrs(i).vcpu, 0),
    memory: vms.reduce((n, i) => n + vmAttrs(i).memoryMb, 0),
    storage: ctx.store.disk.list(tenant).reduce((n, d) => n + (d.tenant === tenant ? d.attrs.sizeGb : 0), 0),
    portgroup: ctx.store.network.list(tenant).filter((n) => n.tenant === tenant).length,
    outerip: outer.size,
  };
}

/** Refuses when adding `need` would take the tenant past its quota. */
export function checkQuota(ctx: SvcContext, tenant: string, need: Partial<Quota>): void {
  const quota = ctx.store.tenant.get(tenant, null)?.attrs.quota;
  if (!quota) return;
  const used = usageOf(ctx, tenant);
  for (const key of Object.keys(need) as (keyof Quota)[]) {
    const want = need[key] ?? 0;
    if (want > 0 && used[key] + want > quota[key])
      refuse(`Quota exceeded for ${LABEL[key]}: ${want} requested, ${Math.max(0, quota[key] - used[key])} available`);
  }
}

const Count = () => f.int(0, 1_000_000_000_000);
const ReqCount = () => f.reqInt(0, 1_000_000_000_000);

const TenantCreate = z.object({
  'app.name': f.reqName(128),
  'app.cpu.quota': Count(),
  'app.memory.quota': Count(),
  'app.storage.quota': Count(),
  'app.portgroup.quota': Count(),
  'app.outerip.quota': Count(),
  'app.desc': f.name(256),
});

const QuotaModify = z.object({
  tenantId: f.reqText(),
  cpu: ReqCount(),
  memory: ReqCount(),
  storage: ReqCount(),
  ip: ReqCount(),
  vpc: ReqCount(),
});

export const QUOTA_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudTenant.create',
    method: 'POST',
    path: 'cloudTenant/create',
    input: TenantCreate,
    handle(ctx, { input: p }) {
      const name = p['app.name'];
      if (ctx.store.tenant.list(null).some((t) => t.name === name)) refuse(`Tenant name ${name} is already used`);
      // A22: an absent quota is the whole resource pool.
      const quota: Quota = {
        cpu: p['app.cpu.quota'] ?? ctx.pool.cpu,
        memory: p['app.memory.quota'] ?? ctx.pool.memory,
        storage: p['app.storage.quota'] ?? ctx.pool.storage,
        portgroup: p['app.portgroup.quota'] ?? 100,
        outerip: p['app.outerip.quota'] ?? ctx.pool.ip,
      };
      const rec = ctx.store.tenant.add(null, name, { desc: p['app.desc'] ?? '', quota }, ctx.newId());
      return { data: { 'app.id': rec.id } };
    },
  }),
  defineOp({
    op: 'resourcequota.search',
    method: 'POST',
    path: 'resourcequota/search',
    handle: (ctx) => ({ data: { ...ctx.pool } }),
  }),
  defineOp({
    op: 'resourcequota.modify',
    method: 'PUT',
    path: 'resourcequota/modify',
    input: QuotaModify,
    handle(ctx, { input: p }) {
      const tenant = tenantOf(ctx, p.tenantId);
      const next: Quota = { cpu: p.cpu, memory: p.memory, storage: p.storage, portgroup: p.vpc, outerip: p.ip };
      const used = usageOf(ctx, tenant.id);
      for (const key of Object.keys(next) as (keyof Quota)[])
        if (next[key] < used[key]) refuse(`Quota for ${LABEL[key]} cannot go below what is in use (${used[key]})`);
      if (p.cpu > ctx.pool.cpu || p.memory > ctx.pool.memory || p.storage > ctx.pool.storage || p.ip > ctx.pool.ip)
        refuse('Quota exceeds the resource pool');
      tenant.attrs.quota = next;
      return {};
    },
  }),
  defineOp({
    op: 'resourcequota.usableQuota',
    method: 'POST',
    path: 'resourcequota/usableQuota',
    input: z.object({ 'tenant.id': f.reqText() }),
    handle(ctx, { input: p }) {
      const tenant = tenantOf(ctx, p['tenant.id']);
      const q = tenant.attrs.quota;
      const used = usageOf(ctx, tenant.id);
      const left = (k: keyof Quota) => Math.max(0, q[k] - used[k]);
      return {
        data: {
          cpu: left('cpu'),
          memory: left('memory'),
          storage: left('storage'),
          outerIpSize: left('outerip'),
          portGroupSize: left('portgroup'),
          oss: 0,
          countCpu: q.cpu,
          countMemory: q.memory,
          countStorage: q.storage,
          countOuterIpSize: q.outerip,
          countPortGroupSize: q.portgroup,
          countOss: 0,
        },
      };
    },
  }),
];
