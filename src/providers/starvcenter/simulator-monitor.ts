/**
 * Monitoring, #51–#57. A30: values are made up but repeatable: a hash of the seed, the object,
 * the metric and the minute they are for, so two reads of one minute agree and monitoring
 * reads never shift the seeded streams ids come from. "" means no data (L2279): before the VM
 * existed, or now while it does not run. History has no range parameter (D29): a minute line
 * is the last 60 minutes, an hour line the last 24 hours, a day line the last 30 days.
 */
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type SvcContext, vmOf } from './simulator-context.ts';
import { vmAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { nicsOf } from './simulator-vm-common.ts';
import { f, refuse, wireTime } from './simulator-wire.ts';

const MINUTE = 60_000;
const LINES = {
  minute: { step: MINUTE, points: 60 },
  hour: { step: 60 * MINUTE, points: 24 },
  day: { step: 1440 * MINUTE, points: 30 },
};

/** FNV-1a of the parts, as a fraction in [0, 1). */
function dice(seed: number, ...parts: Array<string | number>): number {
  let h = 0x811c9dc5 ^ seed;
  for (const ch of parts.join('|')) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

type Sampler = (metric: string, lo: number, hi: number, decimals?: number) => string;

function sampler(ctx: SvcContext, id: string, at: number, live: boolean): Sampler {
  const bucket = Math.floor(at / MINUTE);
  return (metric, lo, hi, decimals = 0) =>
    live ? (lo + dice(ctx.engine.seed, id, metric, bucket) * (hi - lo)).toFixed(decimals) : '';
}

const running = (inst: SimInstance) =>
  inst.state === 'running' || inst.state === 'stopping' || inst.state === 'rebooting';

function computeNow(ctx: SvcContext, inst: SimInstance, now: number): Record<string, string> {
  const a = vmAttrs(inst);
  const s = sampler(ctx, inst.id, now, running(inst));
  const memRate = s('mem', 20, 80);
  return {
    'monitor.obj': inst.id,
    'monitor.createtime': wireTime(Math.floor(now / MINUTE) * MINUTE),
    'monitor.cpu.rate': s('cpu', 1, 95),
    'monitor.mem.rate': memRate,
    'monitor.cpu.num': String(a.vcpu),
    'monitor.mem.size': String(a.memoryMb),
    'monitor.mem.usedsize': memRate === '' ? '' : String(Math.round((a.memoryMb * Number(memRate)) / 100)),
  };
}

const ObjInput = { 'monitor.obj.type': f.reqChoice(['vm'] as const), 'monitor.obj': f.reqText() };
const HistoryInput = z.object({ ...ObjInput, lineType: f.reqChoice(['minute', 'hour', 'day'] as const) });

function history(op: string, path: string, metrics: Array<[string, number, number, number]>): AnyOp {
  return defineOp({
    op,
    method: 'POST',
    path,
    input: HistoryInput,
    handle(ctx, { input: p, tenant, now }) {
      const inst = vmOf(ctx, tenant, p['monitor.obj']);
      const line = LINES[p.lineType];
      const last = Math.floor(now / line.step) * line.step;
      const data = Array.from({ length: line.points }, (_, i) => {
        const at = last - (line.points - 1 - i) * line.step;
        const live = at >= inst.createdAt && (i < line.points - 1 || running(inst));
        const s = sampler(ctx, inst.id, at, live);
        const row: Record<string, string> = { 'monitor.obj': inst.id, 'monitor.createtime': wireTime(at) };
        for (const [key, lo, hi, decimals] of metrics) row[key] = s(key, lo, hi, decimals);
        return row;
      });
      return { data };
    },
  });
}

const ObjIds = z.array(z.union([z.string().min(1), z.number()]).transform(String), {
  error: (iss) => (iss.input === undefined ? 'is required' : 'must be a JSON array of ids'),
});

export const MONITOR_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudmonitor.compute.current',
    method: 'POST',
    path: 'cloudmonitor/compute/current',
    input: z.object(ObjInput),
    handle: (ctx, { input: p, tenant, now }) => ({ data: computeNow(ctx, vmOf(ctx, tenant, p['monitor.obj']), now) }),
  }),
  history('cloudmonitor.compute.history', 'cloudmonitor/compute/history', [
    ['monitor.cpu.rate', 1, 95, 0],
    ['monitor.mem.rate', 20, 80, 0],
  ]),
  history('cloudmonitor.disk.history', 'cloudmonitor/disk/history', [
    ['monitor.disk.writespeed', 0, 20_000, 2],
    ['monitor.disk.readspeed', 0, 40_000, 2],
  ]),
  history('cloudmonitor.net.history', 'cloudmonitor/net/history', [
    ['monitor.net.downspeed', 0, 12_000, 2],
    ['monitor.net.upspeed', 0, 6_000, 2],
  ]),
  defineOp({
    op: 'cloudmonitor.everydisk.current',
    method: 'POST',
    path: 'cloudmonitor/everydisk/current',
    input: z.object(ObjInput),
    handle(ctx, { input: p, tenant, now }) {
      const inst = vmOf(ctx, tenant, p['monitor.obj']);
      const disks = ctx.store.disk.list(tenant).filter((d) => d.attrs.vmId === inst.id && d.attrs.ready);
      const data = disks.map((d) => {
        const s = sampler(ctx, d.id, now, running(inst));
        const sizeKb = d.attrs.sizeGb * 1024 * 1024;
        const usedShare = s('used', 0.05, 0.9, 4);
        return {
          'monitor.obj': inst.id,
          'monitor.diskid': d.id,
          'monitor.createtime': wireTime(Math.floor(now / MINUTE) * MINUTE),
          'monitor.disk.writespeed': s('write', 0, 20_000, 2),
          'monitor.disk.readspeed': s('read', 0, 40_000, 2),
          // D19: sizes of this operation are in KB.
          'monitor.disk.size': String(sizeKb),
          'monitor.disk.rqbs': s('rqbs', 0, 500),
          'monitor.disk.wqbs': s('wqbs', 0, 300),
          'monitor.disk.usedsize': usedShare === '' ? '' : String(Math.round(sizeKb * Number(usedShare))),
        };
      });
      return { data };
    },
  }),
  defineOp({
    op: 'cloudmonitor.everynet.current',
    method: 'POST',
    path: 'cloudmonitor/everynet/current',
    input: z.object(ObjInput),
    handle(ctx, { input: p, tenant, now }) {
      const inst = vmOf(ctx, tenant, p['monitor.obj']);
      const data = nicsOf(ctx, tenant, inst.id).map((n) => {
        const s = sampler(ctx, n.id, now, running(inst));
        // D8: the document's "monitor. netcard id" / "monitor. netcardmac" without their spaces.
        return {
          'monitor.obj': inst.id,
          'monitor.netcardid': n.id,
          'monitor.netcardmac': n.attrs.mac,
          'monitor.createtime': wireTime(Math.floor(now / MINUTE) * MINUTE),
          'monitor.net.downspeed': s('down', 0, 12_000, 2),
          'monitor.net.upspeed': s('up', 0, 6_000, 2),
        };
      });
      return { data };
    },
  }),
  defineOp({
    op: 'cloudmonitor.compute.currents',
    method: 'POST',
    path: 'cloudmonitor/compute/currents',
    input: z.object({ 'monitor.obj.type': f.reqChoice(['vm', 'host'] as const), 'monitor.objids': ObjIds }),
    handle(ctx, { input: p, tenant, now }) {
      const data = p['monitor.objids'].map((id) => {
        if (p['monitor.obj.type'] === 'vm') {
          const inst = vmOf(ctx, tenant, id);
          const used = sampler(ctx, inst.id, now, running(inst))('disk', 1024, 40_960);
          // D19: this operation's disk figure is in MB.
          return { ...computeNow(ctx, inst, now), 'monitor.disk.usedsize': used };
        }
        const host = ctx.store.host.get(id, null) ?? refuse(`Host ${id} does not exist`);
        const s = sampler(ctx, host.id, now, host.attrs.state === '1');
        const memMb = host.attrs.memGb * 1024;
        const memRate = s('mem', 20, 80);
        return {
          'monitor.obj': host.id,
          'monitor.createtime': wireTime(Math.floor(now / MINUTE) * MINUTE),
          'monitor.cpu.rate': s('cpu', 1, 95),
          'monitor.mem.rate': memRate,
          'monitor.cpu.num': String(host.attrs.cpuCores),
          'monitor.mem.size': String(memMb),
          'monitor.mem.usedsize': memRate === '' ? '' : String(Math.round((memMb * Number(memRate)) / 100)),
          'monitor.disk.usedsize': s('disk', 10_240, 1_024_000),
        };
      });
      return { data };
    },
  }),
];
