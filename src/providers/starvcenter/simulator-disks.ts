/**
 * Disks and NICs: #34 add a disk, #35 delete one, #36 extend one (all three answer `startid`),
 * #37 a VM's disks, #38 a blank disk for a Kubernetes PVC, #39 a VM's NICs, #40 add a NIC.
 * A28: a disk job shows its effect in #37 when it ends (an added disk appears, a deleted one
 * goes, an extended one shows its new size); the system disk `vda` is listed and cannot go.
 */
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type Rec, type SvcContext, networkOf, vmOf } from './simulator-context.ts';
import { checkQuota } from './simulator-quota.ts';
import type { DiskAttrs, NicAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { addNic, assertOperable, assertState, nicsOf } from './simulator-vm-common.ts';
import { f, refuse, wireTime } from './simulator-wire.ts';

const MAX_DISK_GB = 65_536;

/** The NIC record of #39 and #86 (L1790–1808). */
export function renderNic(ctx: SvcContext, n: Rec<NicAttrs>): Record<string, string> {
  const net = ctx.store.network.get(n.attrs.networkId, n.tenant);
  return {
    'vnic.id': n.id,
    'vnic.name': n.name,
    'vnic.desc': n.attrs.desc,
    'vnic.createtime': wireTime(n.createdAt),
    'vnic.vmid': n.attrs.vmId,
    'vnic.macaddress': n.attrs.mac,
    'vnic.ipaddress': n.attrs.ip,
    'vnic.vpc.id': n.attrs.networkId,
    'vnic.vpc.name': net?.name ?? '',
  };
}

function renderDisk(d: Rec<DiskAttrs>): Record<string, string> {
  return {
    'vdisk.id': d.id,
    'vdisk.name': d.name,
    'vdisk.devname': d.attrs.devname,
    'vdisk.desc': d.attrs.desc,
    'vdisk.createtime': wireTime(d.createdAt),
    ...(d.attrs.vmId ? { 'vdisk.vmid': d.attrs.vmId } : {}),
    'vdisk.size': String(d.attrs.sizeGb),
  };
}

function diskOf(ctx: SvcContext, tenant: string, id: string): Rec<DiskAttrs> {
  const d = ctx.store.disk.get(id, tenant);
  if (!d || d.tenant !== tenant || !d.attrs.ready) return refuse(`Disk ${id} does not exist`);
  if (d.attrs.busy) refuse(`Disk ${id} is busy with another task`);
  return d;
}

/** The VM a disk job acts on must accept operations and be stopped or running. */
function diskVm(ctx: SvcContext, tenant: string, vmId: string | null): SimInstance | null {
  if (!vmId) return null;
  const inst = vmOf(ctx, tenant, vmId);
  assertOperable(inst);
  assertState(inst, ['0', '1'], 'change the disks of');
  return inst;
}

function diskJob(
  ctx: SvcContext,
  tenant: string,
  op: string,
  vmId: string | null,
  done: () => void,
  failed?: () => void,
) {
  const plan = ctx.jobs.plan(op);
  return ctx.jobs.start({
    tenant,
    op,
    plan,
    delayMs: ctx.engine.config().delays.jobMs,
    ...(vmId ? { vmId } : {}),
    onDone: done,
    ...(failed ? { onFail: failed } : {}),
  });
}

export const DISK_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudvm.vdisk.add',
    method: 'POST',
    path: 'cloudvm/vdisk/add',
    async: true,
    input: z.object({ 'vdisk.vmid': f.reqText(), 'vdisk.desc': f.name(256), 'vdisk.size': f.reqInt(1, MAX_DISK_GB) }),
    handle(ctx, { input: p, tenant }) {
      const inst = diskVm(ctx, tenant, p['vdisk.vmid']) as SimInstance;
      const used = new Set(
        ctx.store.disk
          .list(tenant)
          .filter((d) => d.attrs.vmId === inst.id)
          .map((d) => d.attrs.devname),
      );
      const devname = Array.from({ length: 26 }, (_, i) => `vd${String.fromCharCode(97 + i)}`).find(
        (d) => !used.has(d),
      );
      if (!devname) return refuse(`VM ${inst.id} has no free disk slot`);
      checkQuota(ctx, tenant, { storage: p['vdisk.size'] });
      const disk = ctx.store.disk.add(
        tenant,
        `${inst.name}-${devname}`,
        {
          vmId: inst.id,
          devname,
          desc: p['vdisk.desc'] ?? '',
          sizeGb: p['vdisk.size'],
          ready: false,
          system: false,
          storageId: 'st-nfs-01',
          useType: 'vm',
        },
        ctx.newId(),
      );
      const startid = diskJob(
        ctx,
        tenant,
        'cloudvm.vdisk.add',
        inst.id,
        () => {
          disk.attrs.ready = true;
        },
        () => ctx.store.disk.remove(disk.id),
      );
      return { data: { 'vdisk.id': disk.id, 'vdisk.devname': devname }, startid };
    },
  }),
  defineOp({
    op: 'cloudvm.vdisk.delete',
    method: 'DELETE',
    path: 'cloudvm/vdisk/{vdiskId}',
    async: true,
    handle(ctx, { params, tenant }) {
      const disk = diskOf(ctx, tenant, params.vdiskId ?? '');
      if (disk.attrs.system) refuse(`Disk ${disk.id} is the system disk of its VM`);
      diskVm(ctx, tenant, disk.attrs.vmId);
      disk.attrs.busy = true;
      const startid = diskJob(
        ctx,
        tenant,
        'cloudvm.vdisk.delete',
        disk.attrs.vmId,
        () => ctx.store.disk.remove(disk.id),
        () => {
          disk.attrs.busy = false;
        },
      );
      return { startid };
    },
  }),
  defineOp({
    op: 'cloudvm.vdisk.extend',
    method: 'PUT',
    path: 'cloudvm/vdisk/extend',
    async: true,
    input: z.object({ 'vdisk.id': f.reqText(), 'vdisk.size': f.reqInt(1, MAX_DISK_GB) }),
    handle(ctx, { input: p, tenant }) {
      const disk = diskOf(ctx, tenant, p['vdisk.id']);
      const size = p['vdisk.size'];
      if (size <= disk.attrs.sizeGb) refuse(`A disk can only grow: ${disk.id} already has ${disk.attrs.sizeGb} GB`);
      diskVm(ctx, tenant, disk.attrs.vmId);
      checkQuota(ctx, tenant, { storage: size - disk.attrs.sizeGb });
      disk.attrs.busy = true;
      const startid = diskJob(
        ctx,
        tenant,
        'cloudvm.vdisk.extend',
        disk.attrs.vmId,
        () => {
          disk.attrs.sizeGb = size;
          disk.attrs.busy = false;
        },
        () => {
          disk.attrs.busy = false;
        },
      );
      return { startid };
    },
  }),
  defineOp({
    op: 'cloudvm.vdisk.search',
    method: 'POST',
    path: 'cloudvm/vdisk/search',
    input: z.object({ 'vdisk.vmid': f.reqText() }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vdisk.vmid']);
      const disks = ctx.store.disk.list(tenant).filter((d) => d.attrs.vmId === inst.id && d.attrs.ready);
      return { data: disks.map(renderDisk) };
    },
  }),
  defineOp({
    op: 'cloudvm.vdisk.create.pv',
    method: 'POST',
    path: 'cloudvm/vdisk/create/pv',
    input: z.object({
      'vdisk.name': f.reqName(128),
      'vdisk.desc': f.name(256),
      'vdisk.size': f.reqInt(1, MAX_DISK_GB),
      'vdisk.storageid': f.reqText(),
      'vdisk.use.type': f.choice(['vm', 'volume'] as const),
    }),
    handle(ctx, { input: p, tenant }) {
      const storage = ctx.store.storage.get(p['vdisk.storageid'], null);
      if (!storage) return refuse(`Storage ${p['vdisk.storageid']} does not exist`);
      const useType = p['vdisk.use.type'] ?? 'vm';
      const ceph = storage.attrs.type === 'CEPH';
      if (useType === 'volume' && !ceph) refuse('A volume disk needs Ceph storage');
      checkQuota(ctx, tenant, { storage: p['vdisk.size'] });
      const disk = ctx.store.disk.add(
        tenant,
        p['vdisk.name'],
        {
          vmId: null,
          devname: '',
          desc: p['vdisk.desc'] ?? '',
          sizeGb: p['vdisk.size'],
          ready: true,
          system: false,
          storageId: storage.id,
          useType,
        },
        ctx.newId(),
      );
      // D27: the platform hands out the Ceph client key; callers must keep it out of logs.
      const key = ceph ? Buffer.from(ctx.engine.random('platform').hex(40), 'hex').toString('base64') : '';
      return {
        data: [
          {
            'ceph.key': key,
            'ceph.poolname': storage.attrs.cephPool,
            'ceph.monitor': storage.attrs.cephMonitors,
            'vdisk.id': disk.id,
          },
        ],
      };
    },
  }),
  defineOp({
    op: 'cloudvm.vnic.search',
    method: 'POST',
    path: 'cloudvm/vnic/search',
    input: z.object({ 'vnic.vmid': f.reqText() }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vnic.vmid']);
      return { data: nicsOf(ctx, tenant, inst.id).map((n) => renderNic(ctx, n)) };
    },
  }),
  defineOp({
    op: 'cloudvm.vnic.add',
    method: 'POST',
    path: 'cloudvm/vnic/add',
    input: z.object({ 'vnic.vmid': f.reqText(), 'vnic.portgroupid': f.reqText() }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vnic.vmid']);
      assertOperable(inst);
      const net = networkOf(ctx, tenant, p['vnic.portgroupid']);
      const nic = addNic(ctx, tenant, inst.id, net, nicsOf(ctx, tenant, inst.id).length);
      return { data: { 'vnic.id': nic.id } };
    },
  }),
];
