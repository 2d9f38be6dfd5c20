/**
 * Cloud hosts (VMs): #2 create, #3 search, #4 get, #5 start, #6 power off (`destroy`, D34),
 * #7 OS shutdown, #8 delete, #15 restart. Power operations and delete answer `startid`, create
 * a `jobstartid` per VM; the VM's `vm.state` is how a caller follows them (A11, A12).
 */
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type SvcContext, networkOf, vmOf } from './simulator-context.ts';
import type { JobPlan } from './simulator-jobs.ts';
import { checkQuota } from './simulator-quota.ts';
import { type VmAttrs, vmAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { modelHasAgent } from './simulator-seed.ts';
import { type TaskCode, VM_STATES, vmStateOf } from './simulator-status.ts';
import {
  addNic,
  assertOperable,
  assertState,
  freeAddresses,
  pickHost,
  releaseVm,
  renderVm,
} from './simulator-vm-common.ts';
import { PAGE_FIELDS, exact, f, fuzzy, paged, refuse } from './simulator-wire.ts';

// A21: limits the document leaves open.
export const MAX_VM_NAME = 128;
export const SYSTEM_DISK_GB = 40;

const CreateInput = z.object({
  'vm.name': f.name(MAX_VM_NAME),
  'vm.tenant.model': f.text(),
  'vm.template.id': f.text(),
  'vm.vcpu.num': f.reqInt(1, 128),
  'vm.memory.mem': f.reqInt(1, 999_999_999),
  'vnic.portgroupid': f.reqText(),
  'vm.num': f.int(1, 10),
  'vm.vncpasswd': f.text(),
  'vm.account.pwd': f.text(),
  'vm.hyperv.enable': f.flag(),
  'vm.vdisk.num': f.int(0, 16),
  'vm.vdisk.size': f.int(1, 65_536),
});

const SearchInput = z.object({
  'vm.name': f.text(),
  'vm.id': f.text(),
  'vm.state': f.choice(VM_STATES),
  'vm.ip': f.text(),
  'vm.hostid': f.text(),
  ...PAGE_FIELDS,
});

const VmIdInput = z.object({ 'vm.id': f.reqText() });

/** Where a new VM's model and type come from: a dictionary model, or a VM template (D22). */
function sourceOf(ctx: SvcContext, model: string | undefined, template: string | undefined) {
  if (model && template) return refuse('Give either vm.tenant.model or vm.template.id, not both');
  if (template) {
    const t = ctx.store.template.get(template, null) ?? refuse(`VM template ${template} does not exist`);
    return { source: 'template' as const, templateId: t.id, modelCode: t.attrs.modelCode, typeCode: t.attrs.typeCode };
  }
  if (!model) return refuse('Parameter vm.tenant.model or vm.template.id is required');
  const entry = ctx.store.dict.list(null).find((d) => d.attrs.type !== 'tenant_type' && d.attrs.value === model);
  if (!entry) return refuse(`VM model ${model} does not exist`);
  return { source: 'model' as const, templateId: null, modelCode: model, typeCode: entry.attrs.type };
}

/** A create's job is the VM itself: running ends it, the failed state fails it (A11). */
function createWatch(ctx: SvcContext, id: string, plan: JobPlan): () => TaskCode | null {
  return () => {
    const inst = ctx.engine.instances.get(null, id, { includeLagging: true });
    if (!inst || inst.state === 'deleting') return '7';
    if (inst.state === 'creating') return null;
    return inst.state === 'error' ? plan.failCode : '0';
  };
}

type PowerAction = 'start' | 'stop' | 'reboot';
const VIA = { start: 'starting', stop: 'stopping', reboot: 'rebooting' } as const;
const BACK = { start: 'stopped', stop: 'running', reboot: 'running' } as const;
const DELAY = { start: 'startMs', stop: 'stopMs', reboot: 'rebootMs' } as const;

/**
 * Starts a power job: the instance store moves the VM; a failing job moves it back to where it
 * was when the job ends, a hanging one leaves it in the transition for good.
 */
function powerJob(ctx: SvcContext, tenant: string, inst: SimInstance, op: string, action: PowerAction): string {
  const { engine } = ctx;
  const plan = ctx.jobs.plan(op);
  const delayMs = engine.config().delays[DELAY[action]];
  if (plan.outcome === 'fail') engine.instances.force(inst.id, { state: VIA[action], to: BACK[action], inMs: delayMs });
  else {
    const r = engine.instances.act(tenant, inst.id, action);
    if (!r.ok) refuse(`Cannot ${action} VM ${inst.id} now`);
    if (plan.outcome === 'hang') r.instance.pending = null;
  }
  return ctx.jobs.start({ tenant, op, plan, vmId: inst.id, delayMs });
}

function powerOp(op: string, path: string, action: PowerAction, from: readonly string[], needsAgent: boolean): AnyOp {
  return defineOp({
    op,
    method: 'PUT',
    path,
    async: true,
    input: VmIdInput,
    handle(ctx, { input, tenant }) {
      const inst = vmOf(ctx, tenant, input['vm.id']);
      assertOperable(inst);
      // A19: a start of a running VM or a stop of a stopped one is refused, not a no-op.
      assertState(inst, from, action === 'stop' ? 'stop' : action);
      if (needsAgent && !vmAttrs(inst).agent) refuse(`The guest agent of VM ${inst.id} does not answer`);
      return { startid: powerJob(ctx, tenant, inst, op, action) };
    },
  });
}

export const VM_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudvm.create',
    method: 'POST',
    path: 'cloudvm/create',
    async: true,
    input: CreateInput,
    handle(ctx, { input: p, tenant }) {
      const { engine } = ctx;
      const src = sourceOf(ctx, p['vm.tenant.model'], p['vm.template.id']);
      const net = networkOf(ctx, tenant, p['vnic.portgroupid']);
      const count = p['vm.num'] ?? 1;
      const diskSize = p['vm.vdisk.size'];
      const disks = p['vm.vdisk.num'] ?? (diskSize !== undefined ? 1 : 0);
      if (disks > 0 && diskSize === undefined) refuse('Parameter vm.vdisk.size is required with vm.vdisk.num');
      checkQuota(ctx, tenant, {
        cpu: p['vm.vcpu.num'] * count,
        memory: p['vm.memory.mem'] * count,
        storage: (SYSTEM_DISK_GB + disks * (diskSize ?? 0)) * count,
      });
      if (freeAddresses(net.attrs) < count) refuse('No free IP address left in the private network');
      // A21: no name → a generated one; several VMs → the name with -1, -2…
      const base = p['vm.name'] ?? `vm-${engine.random('platform').hex(8)}`;
      const data: Array<Record<string, string>> = [];
      for (let n = 0; n < count; n++) {
        const id = ctx.newId();
        const host = pickHost(ctx);
        const name = count > 1 ? `${base}-${n + 1}` : base;
        const nic = addNic(ctx, tenant, id, net, 0);
        const attrs: VmAttrs = {
          desc: '',
          vcpu: p['vm.vcpu.num'],
          memoryMb: p['vm.memory.mem'],
          ...src,
          hostId: host.id,
          vncPort: 5900 + engine.random('platform').int(1, 999),
          ip: nic.attrs.ip,
          networkId: net.id,
          hyperv: p['vm.hyperv.enable'] ?? false,
          agent: modelHasAgent(src.modelCode),
          firewalld: false,
          lock: 0,
        };
        const plan = ctx.jobs.plan('cloudvm.create');
        const inst = engine.instances.create({
          tenant,
          name,
          id,
          attrs: attrs as unknown as Record<string, unknown>,
          ...(plan.outcome === 'fail' ? { outcome: 'error' as const } : {}),
        });
        if (plan.outcome === 'hang') inst.pending = null;
        const devs = ['vda', ...Array.from({ length: disks }, (_, i) => `vd${String.fromCharCode(98 + i)}`)];
        devs.forEach((dev, i) =>
          ctx.store.disk.add(
            tenant,
            `${name}-${dev}`,
            {
              vmId: id,
              devname: dev,
              desc: i === 0 ? 'system disk' : 'data disk',
              sizeGb: i === 0 ? SYSTEM_DISK_GB : (diskSize ?? 0),
              ready: true,
              system: i === 0,
              storageId: 'st-nfs-01',
              useType: 'vm',
            },
            ctx.newId(),
          ),
        );
        const jobstartid = ctx.jobs.start({
          tenant,
          op: 'cloudvm.create',
          plan,
          vmId: id,
          watch: createWatch(ctx, id, plan),
        });
        data.push({ 'vm.id': id, 'vm.name': name, jobstartid });
      }
      return { data };
    },
  }),
  defineOp({
    op: 'cloudvm.search',
    method: 'POST',
    path: 'cloudvm/search',
    input: SearchInput,
    handle(ctx, { input: p, tenant }) {
      const listed = ctx.engine.instances.list(tenant, {
        filter: (i) => {
          const a = vmAttrs(i);
          return (
            fuzzy(i.name, p['vm.name']) &&
            fuzzy(i.id, p['vm.id']) &&
            exact(vmStateOf(i), p['vm.state']) &&
            exact(a.ip, p['vm.ip']) &&
            exact(a.hostId, p['vm.hostid'])
          );
        },
      });
      const items = listed.ok ? listed.items : [];
      const page = paged(items, p);
      return { data: page.data.map(renderVm), dataCount: page.dataCount };
    },
  }),
  defineOp({
    op: 'cloudvm.get',
    method: 'GET',
    path: 'cloudvm/{vmId}',
    handle: (ctx, { params, tenant }) => ({ data: renderVm(vmOf(ctx, tenant, params.vmId)) }),
  }),
  powerOp('cloudvm.start', 'cloudvm/start', 'start', ['0', '2'], false),
  powerOp('cloudvm.destroy', 'cloudvm/destroy', 'stop', ['1'], false),
  powerOp('cloudvm.shutdown', 'cloudvm/shutdown', 'stop', ['1'], true),
  powerOp('cloudvm.restart', 'cloudvm/restart', 'reboot', ['1'], true),
  defineOp({
    op: 'cloudvm.delete',
    method: 'DELETE',
    path: 'cloudvm/{vmId}',
    async: true,
    handle(ctx, { params, tenant }) {
      const { engine } = ctx;
      const inst = vmOf(ctx, tenant, params.vmId);
      // A18: any state but a delete already under way; a pending job of the VM ends as cancelled.
      if (inst.state === 'deleting') refuse(`VM ${inst.id} is being deleted`);
      const op = 'cloudvm.delete';
      const plan = ctx.jobs.plan(op);
      const delayMs = engine.config().delays.deleteMs;
      if (plan.outcome !== 'fail') {
        engine.instances.update(inst.id, { attrs: { stateBeforeDelete: vmStateOf(inst) } });
        const r = engine.instances.act(tenant, inst.id, 'delete');
        if (!r.ok) refuse(`Cannot delete VM ${inst.id} now`);
        if (plan.outcome === 'hang') r.instance.pending = null;
      }
      const startid = ctx.jobs.start({
        tenant,
        op,
        plan,
        vmId: inst.id,
        delayMs,
        onDone: () => releaseVm(ctx, tenant, inst.id),
      });
      if (plan.outcome !== 'fail') ctx.jobs.cancelFor(inst.id, startid);
      return { startid };
    },
  }),
];
