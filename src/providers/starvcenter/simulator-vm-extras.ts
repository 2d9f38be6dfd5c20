/**
 * The other VM operations: #9 modify, #10 console connection, #11 admin password, #12 guest
 * agent wake-up, #13/#14 VNC password, #16/#17 vCPU and memory resize, #19 firewalld switch.
 * Passwords are checked and dropped: nothing the simulator stores or answers holds one.
 */
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type SvcContext, vmOf } from './simulator-context.ts';
import { checkQuota } from './simulator-quota.ts';
import { vmAttrs } from './simulator-records.ts';
import { type AnyOp, defineOp } from './simulator-routes.ts';
import { assertOperable, assertState, hostAddress } from './simulator-vm-common.ts';
import { MAX_VM_NAME } from './simulator-vms.ts';
import { f, refuse } from './simulator-wire.ts';

const VmId = { 'vm.id': f.reqText() };

function liveVm(ctx: SvcContext, tenant: string, id: string): SimInstance {
  const inst = vmOf(ctx, tenant, id);
  if (inst.state === 'deleting') refuse(`VM ${inst.id} is being deleted`);
  return inst;
}

function setAttr(ctx: SvcContext, id: string, attrs: Record<string, unknown>): void {
  ctx.engine.instances.update(id, { attrs });
}

/** A job that changes nothing visible at once; `apply` runs when it ends well (A25). */
function vmJob(
  ctx: SvcContext,
  tenant: string,
  op: string,
  inst: SimInstance,
  apply?: () => void,
): { startid: string } {
  const plan = ctx.jobs.plan(op);
  const delayMs = ctx.engine.config().delays.jobMs;
  return { startid: ctx.jobs.start({ tenant, op, plan, vmId: inst.id, delayMs, ...(apply ? { onDone: apply } : {}) }) };
}

function agentVm(ctx: SvcContext, tenant: string, id: string): SimInstance {
  const inst = vmOf(ctx, tenant, id);
  assertOperable(inst);
  assertState(inst, ['1'], 'reach the guest of');
  return inst;
}

export const VM_EXTRA_OPS: readonly AnyOp[] = [
  defineOp({
    op: 'cloudvm.modify',
    method: 'PUT',
    path: 'cloudvm/modify',
    input: z.object({ ...VmId, 'vm.name': f.name(MAX_VM_NAME), 'vm.desc': f.name(256) }),
    handle(ctx, { input: p, tenant }) {
      const inst = liveVm(ctx, tenant, p['vm.id']);
      ctx.engine.instances.update(inst.id, {
        ...(p['vm.name'] !== undefined ? { name: p['vm.name'] } : {}),
        ...(p['vm.desc'] !== undefined ? { attrs: { desc: p['vm.desc'] } } : {}),
      });
      return { data: '' };
    },
  }),
  defineOp({
    op: 'cloudvm.connection',
    method: 'GET',
    path: 'cloudvm/connection/{vmId}',
    handle(ctx, { params, tenant, origin }) {
      const inst = vmOf(ctx, tenant, params.vmId);
      // A26: a console is only reachable while the VM runs.
      assertState(inst, ['1'], 'open the console of');
      const a = vmAttrs(inst);
      return {
        data: {
          'vm.console.url': `${origin}/starvcenter/console/vnc.html?vmid=${encodeURIComponent(inst.id)}`,
          'vm.hostip': hostAddress(ctx, a.hostId),
          'vm.vncport': String(a.vncPort),
        },
      };
    },
  }),
  defineOp({
    op: 'cloudvm.setadminpwd',
    method: 'POST',
    path: 'cloudvm/setadminpwd',
    async: true,
    input: z.object({ ...VmId, username: f.name(128), pwd: f.reqName(128) }),
    handle(ctx, { input: p, tenant }) {
      const inst = agentVm(ctx, tenant, p['vm.id']);
      if (!vmAttrs(inst).agent) refuse(`The guest agent of VM ${inst.id} does not answer`);
      return vmJob(ctx, tenant, 'cloudvm.setadminpwd', inst);
    },
  }),
  defineOp({
    op: 'cloudvm.resumeCloudAgent',
    method: 'POST',
    path: 'cloudvm/resumeCloudAgent',
    async: true,
    input: z.object(VmId),
    handle(ctx, { input: p, tenant }) {
      const inst = agentVm(ctx, tenant, p['vm.id']);
      return vmJob(ctx, tenant, 'cloudvm.resumeCloudAgent', inst, () => setAttr(ctx, inst.id, { agent: true }));
    },
  }),
  defineOp({
    op: 'cloudvm.editvncpwd',
    method: 'POST',
    path: 'cloudvm/editvncpwd',
    input: z.object({ ...VmId, 'vm.vncpasswd': f.reqName(128) }),
    handle(ctx, { input: p, tenant }) {
      liveVm(ctx, tenant, p['vm.id']);
      return {};
    },
  }),
  defineOp({
    op: 'cloudvm.setvncpwd',
    method: 'POST',
    path: 'cloudvm/setvncpwd',
    input: z.object(VmId),
    handle(ctx, { input: p, tenant }) {
      // D25: the password it resets to is neither stated nor returned.
      liveVm(ctx, tenant, p['vm.id']);
      return {};
    },
  }),
  defineOp({
    op: 'cloudvm.cpu.modify',
    method: 'PUT',
    path: 'cloudvm/cpu/modify',
    async: true,
    input: z.object({ ...VmId, 'vm.vcpu.num': f.reqInt(1, 128) }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vm.id']);
      assertOperable(inst);
      assertState(inst, ['0', '1'], 'resize');
      const vcpu = p['vm.vcpu.num'];
      checkQuota(ctx, tenant, { cpu: vcpu - vmAttrs(inst).vcpu });
      return vmJob(ctx, tenant, 'cloudvm.cpu.modify', inst, () => setAttr(ctx, inst.id, { vcpu }));
    },
  }),
  defineOp({
    op: 'cloudvm.mem.modify',
    method: 'PUT',
    path: 'cloudvm/mem/modify',
    async: true,
    input: z.object({ ...VmId, 'vm.memory.mem': f.reqInt(1, 999_999_999) }),
    handle(ctx, { input: p, tenant }) {
      const inst = vmOf(ctx, tenant, p['vm.id']);
      assertOperable(inst);
      assertState(inst, ['0', '1'], 'resize');
      const memoryMb = p['vm.memory.mem'];
      checkQuota(ctx, tenant, { memory: memoryMb - vmAttrs(inst).memoryMb });
      return vmJob(ctx, tenant, 'cloudvm.mem.modify', inst, () => setAttr(ctx, inst.id, { memoryMb }));
    },
  }),
  defineOp({
    op: 'cloudvm.switchfirewalld',
    method: 'POST',
    path: 'cloudvm/switchfirewalld',
    input: z.object({ ...VmId, 'vm.firewalld.enable': f.reqFlag() }),
    handle(ctx, { input: p, tenant }) {
      const inst = liveVm(ctx, tenant, p['vm.id']);
      setAttr(ctx, inst.id, { firewalld: p['vm.firewalld.enable'] });
      return { data: [] };
    },
  }),
];
