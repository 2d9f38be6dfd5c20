/**
 * BridgX records → the unified model. Machines have no name, tags or zone on the wire (A61);
 * what the platform sends is kept verbatim in providerData, minus any secret-looking key (A69).
 */
import type { Image, InstanceType, Region, Zone } from '../../domain/catalog.ts';
import type { ProviderInstance, StatusMap } from '../../domain/instance.ts';
import type { SecurityGroup, Subnet, Vpc } from '../../domain/network.ts';
import { toMachineStatus } from './statuses.ts';
import { parseBridgxTime } from './time.ts';
import type { WireGroupRules, WireMachine, WireMachineDetail, WireRule, WireSwitch, WireVpc } from './wire.ts';

const SECRET_KEY = /pass(word)?|secret|token|private_?key/i;

/** A raw record as the platform sent it, with secret-looking keys dropped at every depth. */
export function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !SECRET_KEY.test(k))
      .map(([k, v]) => [k, withoutSecrets(v)]),
  );
}

const orNull = (s: string) => (s.trim() === '' ? null : s);
const record = (v: unknown) => withoutSecrets(v) as Record<string, unknown>;

/**
 * A machine from its list item and, when read, its detail (D21: the detail has no status or
 * cluster, the list no region, image or disks). The detail's `network_config.*_name` fields
 * hold ids, so they are kept under their own names in providerData only.
 */
export function toInstance(
  item: WireMachine,
  detail: WireMachineDetail | null,
  overrides: StatusMap | undefined,
): ProviderInstance {
  const { status, statusRaw } = toMachineStatus(item.status, overrides);
  const ips = (s: string) => (s.trim() ? [s.trim()] : []);
  return {
    providerId: item.instance_id,
    name: null,
    status,
    statusRaw,
    region: detail ? orNull(detail.region_id) : null,
    zone: detail ? orNull(detail.zone_id) : null,
    instanceType: orNull(item.instance_type) ?? (detail ? orNull(detail.instance_type) : null),
    image: detail ? orNull(detail.image_id) : null,
    privateIps: ips(item.ip_inner || (detail?.ip_inner ?? '')),
    publicIps: ips(item.ip_outer || (detail?.ip_outer ?? '')),
    tags: {},
    launchedAt: parseBridgxTime(item.create_at),
    providerData: {
      ...record(item),
      ...(detail ? { detail: record(detail) } : {}),
      clusterName: item.cluster_name,
    },
  };
}

export const toRegion = (r: { region_id: string; local_name: string }): Region => ({
  id: r.region_id,
  name: r.local_name || r.region_id,
});

export const toZone = (z: { zone_id: string; local_name: string }, region: string): Zone => ({
  id: z.zone_id,
  name: z.local_name || z.zone_id,
  region,
  available: true,
});

export function toInstanceType(
  t: { instance_type: string; core?: number | null | undefined; memory?: number | null | undefined },
  zones: string[],
): InstanceType {
  return {
    id: t.instance_type,
    name: t.instance_type,
    vcpus: Math.max(0, Math.round(t.core ?? 0)),
    // The document gives memory in GB.
    memoryMiB: Math.max(0, Math.round((t.memory ?? 0) * 1024)),
    diskGiB: null,
    zones,
  };
}

export const toImage = (i: { image_id: string; os_name: string; os_type: string }): Image => ({
  id: i.image_id,
  name: i.os_name || i.image_id,
  os: orNull(i.os_type),
  status: null,
  minDiskGiB: null,
  // The image list makes no public/private distinction (§6).
  visibility: 'unknown',
});

export const toVpc = (v: WireVpc, region: string | null): Vpc => ({
  id: v.vpc_id,
  name: v.vpc_name,
  cidr: orNull(v.cidr_block),
  region,
  status: orNull(v.status),
});

export const toSubnet = (s: WireSwitch, vpcId?: string): Subnet => ({
  id: s.switch_id,
  name: s.switch_name,
  vpcId: orNull(s.vpc_id) ?? vpcId ?? null,
  cidr: orNull(s.cidr_block),
  zone: orNull(s.zone_id),
  gateway: orNull(s.gateway_ip),
});

/**
 * A rule's port range in the three encodings of the document (D14): `22/22` and `-1/-1`
 * (create), `1-65535` and `""` (detail), `port_from`/`port_to` with 0/0 (template). All ports
 * read as null; otherwise `from-to`.
 */
export function portRangeOf(rule: Pick<WireRule, 'port_range' | 'port_from' | 'port_to'>): string | null {
  let from: number | null = null;
  let to: number | null = null;
  const m = /^\s*(-?\d+)\s*[/-]\s*(-?\d+)\s*$/.exec(rule.port_range);
  if (m) [from, to] = [Number(m[1]), Number(m[2])];
  else if (/^\s*\d+\s*$/.test(rule.port_range)) from = to = Number(rule.port_range);
  else if (rule.port_range.trim() === '' && rule.port_from != null && rule.port_to != null)
    [from, to] = [rule.port_from, rule.port_to];
  if (from === null || to === null || from <= 0 || to <= 0) return null;
  return `${from}-${to}`;
}

export function toSecurityGroup(g: WireGroupRules, vpcId: string | null): SecurityGroup {
  return {
    id: g.security_group_id,
    name: g.security_group_name,
    vpcId: orNull(g.vpc_id) ?? vpcId,
    description: null,
    rules: g.rules.map((r) => ({
      direction: r.direction === 'egress' ? 'egress' : 'ingress',
      protocol: r.protocol || 'all',
      portRange: portRangeOf(r),
      cidr: orNull(r.cidr_ip),
      // Every BridgX rule allows (D11): the request has no policy field.
      action: 'allow' as const,
    })),
  };
}
