/**
 * Cloud routers: #58 create (a `jobstartid` per router VM, like a VM create), #59/#60 attach and
 * detach a subnet, #61 get. A31: a router is a VM of its own kind, outside the cloud-host list;
 * HA makes a pair; neither attach nor detach names a router (D14), so they act on the tenant's
 * first router and both require `portgroup.id`.
 */
import { z } from 'zod';
import { type Rec, type SvcContext, networkOf } from './simulator-context.ts';
import type { RouterAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { ipToNumber, numberToIp } from './simulator-seed.ts';
import { pickHost } from './simulator-vm-common.ts';
import { bool, f, refuse, wireTime } from './simulator-wire.ts';

/** Management (WAN) addresses of routers the caller does not give one: 10.10.0.10 on. */
const MANAGE_BASE = ipToNumber('10.10.0.10');

function nextManageIp(ctx: SvcContext): string {
  const taken = new Set(ctx.engine.catalog.list('svc.router', null).map((r) => String(r.attrs.manageIp)));
  let n = MANAGE_BASE;
  while (taken.has(numberToIp(n))) n++;
  return numberToIp(n);
}

export function routerOf(ctx: SvcContext, tenant: string, id: string): Rec<RouterAttrs> {
  const r = ctx.store.router.get(id, tenant);
  if (!r || r.tenant !== tenant) return refuse(`Cloud router ${id} does not exist`);
  return r;
}

function firstRouter(ctx: SvcContext, tenant: string): Rec<RouterAttrs> {
  return ctx.store.router.list(tenant)[0] ?? refuse('The tenant has no cloud router');
}

const Subnet = z.object({ 'portgroup.id': f.reqText() });

export const ROUTER_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'vroute.create',
    method: 'POST',
    path: 'vroute/create',
    async: true,
    input: z.object({ 'vroute.name': f.name(128), 'vroute.ha.enable': f.flag(), 'vroute.manageip': f.ip() }),
    handle(ctx, { input: p, tenant }) {
      const given = p['vroute.manageip'];
      if (given && ctx.engine.catalog.list('svc.router', null).some((r) => r.attrs.manageIp === given))
        refuse(`Management IP ${given} is already used`);
      const ha = p['vroute.ha.enable'] ?? false;
      const base = p['vroute.name'] ?? `vroute-${ctx.engine.random('platform').hex(4)}`;
      const data: Array<Record<string, string>> = [];
      for (let n = 0; n < (ha ? 2 : 1); n++) {
        const manageIp = n === 0 && given ? given : nextManageIp(ctx);
        const rec = ctx.store.router.add(
          tenant,
          ha ? `${base}-${n + 1}` : base,
          { desc: '', manageIp, registerAddress: pickHost(ctx).address, ha, online: false, networkIds: [] },
          ctx.newId(),
        );
        const op = 'vroute.create';
        const jobstartid = ctx.jobs.start({
          tenant,
          op,
          plan: ctx.jobs.plan(op),
          delayMs: ctx.engine.config().delays.bootMs,
          onDone: () => {
            rec.attrs.online = true;
          },
          onFail: () => ctx.store.router.remove(rec.id),
        });
        data.push({ 'vm.id': rec.id, 'vm.name': rec.name, 'vm.manageip': manageIp, jobstartid });
      }
      return { data };
    },
  }),
  defineOp({
    op: 'vroute.vpcAdd',
    method: 'POST',
    path: 'vroute/vpcAdd',
    input: Subnet,
    handle(ctx, { input: p, tenant }) {
      const net = networkOf(ctx, tenant, p['portgroup.id']);
      const router = firstRouter(ctx, tenant);
      if (router.attrs.networkIds.includes(net.id)) refuse(`Subnet ${net.id} is already attached to ${router.id}`);
      router.attrs.networkIds.push(net.id);
      return {};
    },
  }),
  defineOp({
    op: 'vroute.vpcDelete',
    method: 'POST',
    path: 'vroute/vpcDelete',
    input: Subnet,
    handle(ctx, { input: p, tenant }) {
      const net = networkOf(ctx, tenant, p['portgroup.id']);
      const router = firstRouter(ctx, tenant);
      if (!router.attrs.networkIds.includes(net.id)) refuse(`Subnet ${net.id} is not attached to ${router.id}`);
      router.attrs.networkIds = router.attrs.networkIds.filter((id) => id !== net.id);
      return {};
    },
  }),
  defineOp({
    op: 'vroute.get',
    method: 'GET',
    path: 'vroute/{vmId}',
    handle(ctx, { params, tenant }) {
      const r = routerOf(ctx, tenant, params.vmId ?? '');
      return {
        data: {
          'vroute.id': r.id,
          'vroute.name': r.name,
          'vroute.desc': r.attrs.desc,
          'vroute.createtime': wireTime(r.createdAt),
          'vroute.register.address': r.attrs.registerAddress,
          'vroute.online': bool(r.attrs.online),
          'vroute.manageip': r.attrs.manageIp,
        },
      };
    },
  }),
];
