/**
 * BridgX machines: status strings, the observation that turns the engine's lazily settled
 * states into exact power-on intervals (the cost API's records), private and public IPs, and
 * the two wire shapes (list item, detail). Machines stay listed after deletion (A30).
 */
import type { NeutralState, SimInstance } from '../../sim/index.ts';
import { hostAt, ipText, parseCidr, parseIp, usableHosts } from './simulator-cidr.ts';
import type { BxCluster, BxContext, BxMachine } from './simulator-context.ts';
import { bxTime, secondsBetween, type WireValue } from './simulator-wire.ts';

/** Every machine status the simulator emits on its own (A30). */
export const BRIDGX_MACHINE_STATUSES = ['Pending', 'Running', 'Deleting', 'Deleted', 'Error'] as const;
export type BridgxMachineStatus = (typeof BRIDGX_MACHINE_STATUSES)[number];

// BridgX has no power actions: the other neutral states arise only from the control API and
// render as their own names, which a client must treat as unknown (A30).
const STATUS_OF_STATE: Record<NeutralState, string> = {
  creating: 'Pending',
  running: 'Running',
  deleting: 'Deleting',
  error: 'Error',
  stopping: 'Stopping',
  stopped: 'Stopped',
  starting: 'Starting',
  rebooting: 'Rebooting',
};

const STATE_OF_STATUS: Record<string, NeutralState> = {
  Pending: 'creating',
  Running: 'running',
  Deleting: 'deleting',
  Error: 'error',
};

/** The status of an engine record (control API view). */
export function statusOfInstance(inst: SimInstance): string {
  return inst.rawStatus ?? STATUS_OF_STATE[inst.state];
}

/** The neutral state a forced BridgX status behaves as; `Deleted` is forced with `to: "gone"`. */
export function stateOfStatus(raw: string): NeutralState | undefined {
  return STATE_OF_STATUS[raw];
}

/**
 * Brings a machine's record up to date with the engine: a first `running` opens a usage
 * interval at the moment the engine says it started running; leaving `running` closes it.
 * The engine settles transitions at their due time, so the times are exact however late the read.
 */
export function observe(ctx: BxContext, m: BxMachine): void {
  if (m.deletedAt !== null) return;
  const now = ctx.engine.clock.now();
  const live = ctx.engine.instances.get(null, m.id, { includeLagging: true });
  if (!live) {
    const at = Math.min(m.inst.pending?.at ?? now, now);
    closeInterval(m, at);
    m.deletedAt = at;
    m.settledAt ??= at;
    return;
  }
  if (m.settledAt === null && live.state !== 'creating') {
    m.settledAt = live.updatedAt;
    m.settledOk = live.state === 'running';
  }
  const open = m.intervals.at(-1)?.end === null;
  if (live.state === 'running' && !open) {
    m.intervals.push({ id: ++ctx.state.counters.usage, start: live.updatedAt, end: null });
    m.runningAt ??= live.updatedAt;
  } else if (live.state !== 'running' && open) closeInterval(m, live.updatedAt);
}

export function closeInterval(m: BxMachine, at: number): void {
  const last = m.intervals.at(-1);
  if (last && last.end === null) last.end = Math.max(at, last.start);
}

export function observeAll(ctx: BxContext, org: string): void {
  for (const m of ctx.state.machines.values()) if (m.org === org) observe(ctx, m);
}

/** Status as the wire shows it (call `observe` first). */
export function machineStatus(ctx: BxContext, m: BxMachine): string {
  if (m.deletedAt !== null) return 'Deleted';
  return statusOfInstance(m.inst);
}

/** Deleted or on its way: no longer one of the cluster's machines. */
export function isLeaving(m: BxMachine): boolean {
  return m.deletedAt !== null || m.inst.state === 'deleting';
}

export function machinesOf(ctx: BxContext, cluster: BxCluster): BxMachine[] {
  return [...ctx.state.machines.values()].filter((m) => m.cluster === cluster);
}

/** Private IPs in use on a switch, by machines not yet deleted (a Deleted machine's IP is free again, A39). */
export function usedIps(ctx: BxContext, org: string, subnetId: string): Set<string> {
  const used = new Set<string>();
  for (const m of ctx.state.machines.values())
    if (m.org === org && m.cluster.subnetId === subnetId && m.deletedAt === null && m.ipInner) used.add(m.ipInner);
  return used;
}

/** Free addresses of a switch, lowest first; '' for machines the switch has no room for (A24). */
export function allocateIps(ctx: BxContext, cluster: BxCluster, n: number): string[] {
  const cidr = parseCidr(cluster.subnetCidr);
  const used = usedIps(ctx, cluster.org, cluster.subnetId);
  const out: string[] = [];
  const hosts = cidr ? usableHosts(cidr) : 0;
  for (let i = 0; i < hosts && out.length < n; i++) {
    const ip = ipText(hostAt(cidr as NonNullable<typeof cidr>, i));
    if (!used.has(ip)) out.push(ip);
  }
  while (out.length < n) out.push('');
  return out;
}

const PUBLIC_BASE = parseIp('47.104.0.1') as number;

/** A public IP when the cluster buys public bandwidth (A23). */
export function publicIp(ctx: BxContext, cluster: BxCluster): string {
  return cluster.bandwidthOut > 0 ? ipText(PUBLIC_BASE + ctx.state.counters.publicIp++) : '';
}

export function renderMachineItem(ctx: BxContext, m: BxMachine): WireValue {
  return {
    instance_id: m.id,
    ip_inner: m.ipInner,
    ip_outer: m.ipOuter,
    provider: m.cluster.provider,
    create_at: bxTime(m.createdAt),
    status: machineStatus(ctx, m),
    // A31: seconds the machine took to boot; 0 when it never ran.
    startup_time: m.runningAt === null ? 0 : secondsBetween(m.createdAt, m.runningAt),
    cluster_name: m.cluster.name,
    instance_type: m.cluster.instanceType,
  };
}

/** The detail has no status, cluster or zone, and names network objects by id (A32). */
export function renderMachineDetail(m: BxMachine): WireValue {
  const c = m.cluster;
  return {
    instance_id: m.id,
    provider: c.provider,
    region_id: c.region,
    image_id: c.image,
    instance_type: c.instanceType,
    ip_inner: m.ipInner,
    ip_outer: m.ipOuter,
    create_at: bxTime(m.createdAt),
    storage_config: {
      system_disk_type: c.systemDisk.category,
      system_disk_size: c.systemDisk.size,
      data_disks: c.dataDisks.map((d) => ({ data_disk_type: d.category, data_disk_size: d.size })),
      data_disk_num: c.dataDisks.length,
    },
    network_config: { vpc_name: c.vpcId, subnet_id_name: c.subnetId, security_group_name: c.securityGroupId },
  };
}
