/**
 * Wire → unified records for the legacy cluster broker. Pure functions: the adapter fetches,
 * these translate (A54, A60, A63–A65).
 */
import type { Image, InstanceType, Region, Zone } from '../../domain/catalog.ts';
import type { ProviderInstance, StatusMap } from '../../domain/instance.ts';
import type { SecurityGroup, Subnet, Vpc } from '../../domain/network.ts';
import { toStatus } from './statuses.ts';
import {
  parseWireTime,
  type WireInstance,
  type WireSecurityGroup,
  type WireTemplate,
  WireIpPermission,
  WireImage,
  WireRegion,
  WireSubnet,
  WireTags,
  WireVpc,
  WireZone,
} from './wire.ts';
import type { z } from 'zod';

/** Field names that hold a secret (a registered machine's password, key material, tokens): never leave the adapter (A65). */
const SECRET_FIELD = /pass(word|wd)?$|secret|token|private.?key|^key$|keycontent/i;

/** A copy of a decoded JSON value with every secret-named field removed, at any depth. */
export function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SECRET_FIELD.test(k)) out[k] = stripSecrets(v);
  return out;
}

/** A value that is an id: not empty and no whitespace (the document's AWS placeholders are "aws region ", "aws nia"; A60). */
const idOrNull = (value: string): string | null => (value && !/\s/.test(value) ? value : null);

export function toInstance(m: WireInstance, statusMap: StatusMap | undefined): ProviderInstance {
  const { status, statusRaw } = toStatus(m.Status, statusMap);
  const templateZone = m.Cluster?.Zone;
  const privateIp = idOrNull(m.PrivateIpAddress);
  const publicIp = idOrNull(m.PublicIpAddress);
  return {
    providerId: m.InstanceId,
    name: m.Name || null,
    status,
    statusRaw,
    region: idOrNull(m.RegionId) ?? idOrNull(templateZone?.RegionName ?? ''),
    zone: idOrNull(m.ZoneId) ?? idOrNull(templateZone?.ZoneName ?? ''),
    instanceType: m.InstanceType || null,
    image: m.ImageId || null,
    privateIps: privateIp ? [privateIp] : [],
    publicIps: publicIp ? [publicIp] : [],
    // The broker has no tags (A53).
    tags: {},
    launchedAt: parseWireTime(m.CreateTime),
    providerData: stripSecrets(m) as Record<string, unknown>,
  };
}

/** Whether a machine answers to an address (op 8 names its machine by IP only; A50). */
export const hasAddress = (m: WireInstance, ip: string): boolean =>
  m.PrivateIpAddress === ip || m.PublicIpAddress === ip;

export const toRegion = (r: z.infer<typeof WireRegion>): Region => ({ id: r.RegionName, name: r.RegionName });

/** Op 18's `RegionName` is the zone's display name; `State` is "" when the backend says nothing. */
export function toZone(z: z.infer<typeof WireZone>, region: string): Zone {
  return {
    id: z.ZoneName,
    name: z.RegionName || z.ZoneName,
    region,
    available: z.State === '' || /^available$/i.test(z.State),
  };
}

/** `"4Cores-8GB"`, `"1Core-1GB"` (op 21) and the create example's `"1核1G"` → vCPUs and GiB (A54). */
export function sizeOfLabel(label: string): { vcpus: number; memoryGiB: number } | null {
  const m = /^(\d+)\s*(?:cores?|核|c)\s*[-_ ]?\s*(\d+(?:\.\d+)?)\s*(?:gib|gb|g)$/i.exec(label.trim());
  return m ? { vcpus: Number(m[1]), memoryGiB: Number(m[2]) } : null;
}

export function toInstanceType(label: string): InstanceType {
  const size = sizeOfLabel(label);
  return {
    id: label,
    name: label,
    vcpus: size?.vcpus ?? 0,
    memoryMiB: size ? Math.round(size.memoryGiB * 1024) : 0,
    diskGiB: null,
    zones: null,
  };
}

export function toImage(i: z.infer<typeof WireImage>): Image {
  return {
    id: i.ImageId,
    name: i.Name || i.ImageId,
    os: i.Platform || null,
    status: i.State || null,
    minDiskGiB: null,
    visibility: i.Public === true ? 'public' : i.Public === false ? 'private' : 'unknown',
  };
}

function nameTag(tags: z.infer<typeof WireTags>): string | null {
  return tags?.find((t) => t.Key === 'Name' && t.Value)?.Value ?? null;
}

export function toVpc(v: z.infer<typeof WireVpc>, region: string): Vpc {
  return { id: v.VpcId, name: nameTag(v.Tags) ?? v.VpcId, cidr: v.CidrBlock || null, region, status: v.State || null };
}

export function toSubnet(s: z.infer<typeof WireSubnet>, vpcId: string, zone: string): Subnet {
  return {
    id: s.SubnetId,
    name: nameTag(s.Tags) ?? s.SubnetId,
    vpcId: s.VpcId || vpcId,
    cidr: s.CidrBlock || null,
    zone: s.AvailabilityZone || zone,
    gateway: null,
  };
}

function rules(perms: Array<z.infer<typeof WireIpPermission>> | null | undefined, direction: 'ingress' | 'egress') {
  return (perms ?? []).flatMap((p) => {
    const protocol = !p.IpProtocol || p.IpProtocol === '-1' ? 'all' : p.IpProtocol;
    const from = p.FromPort ?? null;
    const to = p.ToPort ?? null;
    const portRange = from === null || from < 0 ? null : `${from}-${to ?? from}`;
    const cidrs = p.IpRanges?.length ? p.IpRanges.map((r) => r.CidrIp || null) : [null];
    return cidrs.map((cidr) => ({ direction, protocol, portRange, cidr, action: 'allow' as const }));
  });
}

export function toSecurityGroup(g: WireSecurityGroup): SecurityGroup {
  return {
    id: g.GroupId,
    name: g.GroupName || nameTag(g.Tags) || g.GroupId,
    vpcId: g.VpcId || null,
    description: g.Description || null,
    // AWS-style permissions are allow rules; the examples carry none (null).
    rules: [...rules(g.IpPermissions, 'ingress'), ...rules(g.IpPermissionsEgress, 'egress')],
  };
}

/** A template in camelCase, for the operations that show one (op 1, op 2). */
export function toTemplateView(t: WireTemplate) {
  return {
    id: t.Id,
    name: t.Name,
    provider: t.Provider,
    cpu: t.Cpu,
    ramGiB: t.Ram,
    instanceType: t.InstanceType,
    imageId: t.ImageId,
    keyName: t.KeyName,
    region: t.Zone?.RegionName ?? '',
    zone: t.Zone?.ZoneName ?? '',
    vpcId: t.Network?.VpcId ?? '',
    subnetId: t.Network?.SubnetId ?? '',
    securityGroupId: t.Network?.SecurityGroup ?? '',
    internetChargeType: t.Network?.InternetChargeType ?? '',
    internetMaxBandwidthOut: t.Network?.InternetMaxBandwidthOut ?? 0,
    systemDiskCategory: t.SystemDiskCategory,
    dataDisk: { sizeGiB: t.DataDiskSize, count: t.DataDiskNum, category: t.DataDiskCategory },
    createdAt: parseWireTime(t.CreateTime)?.toISOString() ?? null,
    deleted: parseWireTime(t.DeleteTime) !== null,
  };
}
