/**
 * Platform-wide reads every tenant sees: #78 physical hosts, #79 alarms, #80 storage pools.
 * A38: `host.ip` filters on the registration address, the only address a host shows (D31);
 * alarms page only when asked (`page.*` required unless `isfindPage` is true, L3529) and come
 * newest first; storage `size`/`usedsize` are GB.
 */
import { z } from 'zod';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { PAGE_FIELDS, bool, exact, f, paged, parseWireTime, refuse, wireTime } from './simulator-wire.ts';

const Time = () =>
  f.text().refine((t) => t === undefined || parseWireTime(t) !== null, 'must look like 2010-02-03 13:33:33');

export const INFRA_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudhost.search',
    method: 'POST',
    path: 'cloudhost/search',
    input: z.object({ 'host.id': f.text(), 'host.ip': f.text(), ...PAGE_FIELDS }),
    handle(ctx, { input: p }) {
      const rows = ctx.store.host
        .list(null)
        .filter((h) => exact(h.id, p['host.id']) && exact(h.attrs.address, p['host.ip']))
        .map((h) => ({
          'host.id': h.id,
          'host.name': h.name,
          'host.desc': h.attrs.desc,
          'host.state': h.attrs.state,
          'host.isconnected': bool(h.attrs.connected),
          'host.createtime': wireTime(h.createdAt),
          'host.register.address': h.attrs.address,
          'host.authentication': h.attrs.authenticated ? '1' : '0',
          'host.ismending': bool(h.attrs.maintenance),
          'host.os.product': h.attrs.osProduct,
          'host.os.bit': h.attrs.osBit,
          // D11: the document's misspelt keys are the wire names.
          'host.os.versoin': h.attrs.osVersion,
          'host.virt.versoin': h.attrs.virtVersion,
          'host.cpu.vendor': h.attrs.cpuVendor,
          'host.cpu.num': String(h.attrs.cpuCores),
          'host.cpus': String(h.attrs.cpuSockets),
          'host.mem.size': String(h.attrs.memGb),
        }));
      return paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudalarm.search',
    method: 'POST',
    path: 'cloudalarm/search',
    input: z.object({
      'alarm.level': f.choice(['high', 'medium', 'low'] as const),
      'alarm.obj.type': f.text(),
      'alarm.objid': f.text(),
      'alarm.relieve.way': f.choice(['auto', 'manual', 'none'] as const),
      'alarm.starttime': Time(),
      'alarm.endtime': Time(),
      isfindPage: f.flag(),
      ...PAGE_FIELDS,
    }),
    handle(ctx, { input: p }) {
      const all = p.isfindPage === true;
      if (!all && (p['page.startnum'] === undefined || p['page.everypagenum'] === undefined))
        refuse('Parameter page.startnum and page.everypagenum are required unless isfindPage is true');
      const from = p['alarm.starttime'] ? parseWireTime(p['alarm.starttime']) : null;
      const to = p['alarm.endtime'] ? parseWireTime(p['alarm.endtime']) : null;
      const rows = ctx.store.alarm
        .list(null)
        .filter(
          (a) =>
            exact(a.attrs.level, p['alarm.level']) &&
            exact(a.attrs.objType, p['alarm.obj.type']) &&
            exact(a.attrs.objId, p['alarm.objid']) &&
            exact(a.attrs.relieveWay, p['alarm.relieve.way']) &&
            (from === null || a.attrs.raisedAt >= from) &&
            (to === null || a.attrs.raisedAt <= to),
        )
        .sort((a, b) => b.attrs.raisedAt - a.attrs.raisedAt)
        .map((a) => ({
          'alarm.id': a.id,
          'alarm.type': a.attrs.type,
          'alarm.level': a.attrs.level,
          'alarm.objid': a.attrs.objId,
          'alarm.objname': a.attrs.objName,
          'alarm.obj.type': a.attrs.objType,
          'alarm.content': a.attrs.content,
          'alarm.create.time': wireTime(a.attrs.raisedAt),
          'alarm.relieve.time': a.attrs.relievedAt === null ? '' : wireTime(a.attrs.relievedAt),
          'alarm.relieve.way': a.attrs.relieveWay,
        }));
      return all ? { data: rows, dataCount: rows.length } : paged(rows, p);
    },
  }),
  defineOp({
    op: 'cloudstorage.search',
    method: 'POST',
    path: 'cloudstorage/search',
    input: z.object(PAGE_FIELDS),
    handle(ctx, { input: p }) {
      const rows = ctx.store.storage.list(null).map((s) => ({
        'storage.id': s.id,
        'storage.name': s.name,
        'storage.desc': s.attrs.desc,
        'storage.createtime': wireTime(s.createdAt),
        'storage.type': s.attrs.type,
        'storage.thin': bool(s.attrs.thin),
        'storage.size': String(s.attrs.sizeGb),
        'storage.location': s.attrs.location,
        'storage.use.type': s.attrs.useType,
        'storage.usedsize': String(s.attrs.usedGb),
        'storage.file.type': s.attrs.fileType,
        'storage.io.auth': s.attrs.ioAuth,
        'storage.ceph.monitorip': s.attrs.cephMonitors,
      }));
      return paged(rows, p);
    },
  }),
];
