/**
 * What the VM operations share: the VM record of #3/#4, the lock guard, NIC addressing and the
 * clean-up of everything a deleted VM held.
 */
import type { SimInstance } from '../../sim/index.ts';
import type { Rec, SvcContext } from './simulator-context.ts';
import type { NetworkAttrs, NicAttrs } from './simulator-records.ts';
import { vmAttrs } from './simulator-records.ts';
import { numberToIp } from './simulator-seed.ts';
import { lockOf, lockText, vmStateOf } from './simulator-status.ts';
import { bool, refuse, wireTime } from './simulator-wire.ts';

/** The VM record of #3 and #4 (L334–404), every value a string. */
export function renderVm(inst: SimInstance): Record<string, string> {
  const a = vmAttrs(inst);
  return {
    'vm.id': inst.id,
    'vm.name': inst.name,
    'vm.desc': a.desc,
    'vm.createtime': wireTime(inst.createdAt),
    'vm.state': vmStateOf(inst),
    'vm.vcpu.num': String(a.vcpu),
    'vm.memory.mem': String(a.memoryMb),
    'vm.tenant.type': a.typeCode,
    'vm.tenant.model': a.modelCode,
    'vm.ip': a.ip,
    // A20: both soft operations need the guest agent.
    'vm.reboot.enable': bool(a.agent),
    'vm.shutdown.enable': bool(a.agent),
  };
}

/** A17: a VM being deleted or holding a lock accepts no operation (L3969). */
export function assertOperable(inst: SimInstance): void {
  if (inst.state === 'deleting') refuse(`VM ${inst.id} is being deleted`);
  const lock = lockOf(inst);
  if (lock !== 0) refuse(`VM ${inst.id} is locked (${lock}: ${lockText(lock)})`);
}

export function assertState(inst: SimInstance, allowed: readonly string[], action: string): void {
  const state = vmStateOf(inst);
  if (!allowed.includes(state)) refuse(`Cannot ${action} VM ${inst.id} in state ${state}`);
}

export function freeAddresses(net: NetworkAttrs): number {
  return net.capacity - net.used;
}

/** The next address of a network: released ones first, lowest first, so runs are repeatable. */
export function takeAddress(net: NetworkAttrs): { hostNo: number; ip: string } {
  if (freeAddresses(net) <= 0) return refuse('No free IP address left in the private network');
  let hostNo: number;
  if (net.released.length > 0) {
    net.released.sort((a, b) => a - b);
    hostNo = net.released.shift() as number;
  } else hostNo = net.nextHost++;
  net.used++;
  return { hostNo, ip: numberToIp(net.base + hostNo) };
}

export function addNic(
  ctx: SvcContext,
  tenant: string,
  vmId: string,
  net: Rec<NetworkAttrs>,
  index: number,
): Rec<NicAttrs> {
  const { hostNo, ip } = takeAddress(net.attrs);
  const rnd = ctx.engine.random('platform');
  const mac = `52:54:00:${rnd.hex(2)}:${rnd.hex(2)}:${rnd.hex(2)}`;
  return ctx.store.nic.add(
    tenant,
    `eth${index}`,
    { vmId, networkId: net.id, hostNo, ip, mac, desc: '', sgIds: [] },
    ctx.newId(),
  );
}

export function nicsOf(ctx: SvcContext, tenant: string, vmId: string): Rec<NicAttrs>[] {
  return ctx.store.nic.list(tenant).filter((n) => n.attrs.vmId === vmId);
}

/** After a delete job: the VM's NICs (addresses back to their network), disks, backups, snapshots, mappings. */
export function releaseVm(ctx: SvcContext, tenant: string, vmId: string): void {
  const { store } = ctx;
  for (const nic of nicsOf(ctx, tenant, vmId)) {
    const net = store.network.get(nic.attrs.networkId, tenant);
    if (net) {
      net.attrs.used--;
      net.attrs.released.push(nic.attrs.hostNo);
    }
    store.nic.remove(nic.id);
  }
  for (const d of store.disk.list(tenant)) if (d.attrs.vmId === vmId) store.disk.remove(d.id);
  for (const b of store.backup.list(tenant)) if (b.attrs.vmId === vmId) store.backup.remove(b.id);
  for (const s of store.snapshot.list(tenant)) if (s.attrs.vmId === vmId) store.snapshot.remove(s.id);
  for (const n of store.nat.list(tenant)) if (n.attrs.vmId === vmId) store.nat.remove(n.id);
  for (const a of store.acl.list(tenant)) if (a.attrs.vmId === vmId) store.acl.remove(a.id);
  for (const r of store.retry.list(tenant)) if (r.attrs.vmId === vmId) store.retry.remove(r.id);
}

/** A running host for a new VM, picked from the seeded platform stream. */
export function pickHost(ctx: SvcContext): { id: string; address: string } {
  const running = ctx.store.host.list(null).filter((h) => h.attrs.state === '1');
  if (running.length === 0) return refuse('No running physical host can take the VM');
  const h = ctx.engine.random('platform').pick(running);
  return { id: h.id, address: h.attrs.address };
}

export function hostAddress(ctx: SvcContext, hostId: string): string {
  return ctx.store.host.get(hostId, null)?.attrs.address ?? '';
}
