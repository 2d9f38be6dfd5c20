/**
 * Machine specs of the legacy cluster simulator: the request bodies of template create and
 * expand (op 3, op 5) and of machine create and upload (op 8, op 30), and what a backend
 * driver checks before it creates a machine (A16, A24) — region, zone, type, image, network,
 * security group, charge type and disk categories against that driver's catalog.
 */
import { z } from 'zod';
import { CODE, type Envelope, type KeyShape, type LegacyContext, failure, unknownDriver } from './simulator-context.ts';
import { addressIn, addressUnder } from './simulator-ids.ts';
import type { MachineAttrs, WireNetwork, WireZone } from './simulator-model.ts';
import type { BackendSeed, InstanceTypeSeed } from './simulator-seed.ts';

// A4: Go leaves a field at its zero value for `null` or absence; "required" means non-empty.
const Needed = z.string().min(1);
const Text = z
  .string()
  .nullish()
  .transform((s) => s ?? '');
const Count = z
  .number()
  .int()
  .nullish()
  .transform((n) => n ?? 0);

const NetworkBody = z.object({
  Id: Count,
  VpcId: Text,
  SubnetId: Text,
  SecurityGroup: Text,
  InternetChargeType: Text,
  InternetMaxBandwidthOut: z
    .number()
    .int()
    .min(0)
    .nullish()
    .transform((n) => n ?? 0),
});
const ZoneBody = z.object({ Id: Count, RegionName: Needed, ZoneName: Needed });

/** Fields op 8 and op 30 require (and op 3 / op 5 require as well). */
const MachineFields = {
  Provider: Needed,
  InstanceType: Needed,
  SystemDiskCategory: Needed,
  DataDiskCategory: Needed,
  Zone: ZoneBody,
  Network: NetworkBody,
  DataDiskNum: z.number().int(),
  DataDiskSize: z.number().int().min(0),
};

export const InstanceBody = z.object({ ...MachineFields, ImageId: Needed });
export type InstanceBody = z.infer<typeof InstanceBody>;

/** A11: template create and expand; the example's extra fields are accepted, ImageId optional. */
export const TemplateBody = z.object({
  ...MachineFields,
  Name: Needed,
  ImageId: Text,
  Id: Count,
  Desc: Text,
  Cpu: Count,
  Ram: Count,
  PostScript: Text,
  KeyName: Text,
  Replication: z
    .string()
    .nullish()
    .transform((s) => s ?? null),
  FlavorId: Text,
});
export type TemplateBody = z.infer<typeof TemplateBody>;

const NETWORK_KEYS: KeyShape = {
  Id: null,
  VpcId: null,
  SubnetId: null,
  SecurityGroup: null,
  InternetChargeType: null,
  InternetMaxBandwidthOut: null,
};
const ZONE_KEYS: KeyShape = { Id: null, RegionName: null, ZoneName: null };
export const SPEC_KEYS: KeyShape = {
  Id: null,
  Name: null,
  Provider: null,
  Desc: null,
  Cpu: null,
  Ram: null,
  InstanceType: null,
  ImageId: null,
  PostScript: null,
  KeyName: null,
  Network: NETWORK_KEYS,
  Zone: ZONE_KEYS,
  Replication: null,
  SystemDiskCategory: null,
  DataDiskSize: null,
  DataDiskNum: null,
  DataDiskCategory: null,
  FlavorId: null,
};

/** What a driver needs of a spec, from a body or a stored template. */
export interface MachineSpec {
  Provider: string;
  InstanceType: string;
  ImageId: string;
  Network: WireNetwork;
  Zone: WireZone;
  SystemDiskCategory: string;
  DataDiskSize: number;
  DataDiskNum: number;
  DataDiskCategory: string;
}

export interface Placement {
  backend: BackendSeed;
  type: InstanceTypeSeed;
  subnetCidr: string | null;
  mapsPublicIp: boolean;
  securityGroupId: string;
}

const createErr = (reason: string): Envelope => failure(CODE.serviceError, `create instance err: ${reason}`);

export function typeOf(backend: BackendSeed, codeOrLabel: string): InstanceTypeSeed | undefined {
  return backend.instanceTypes.find((t) => t.code === codeOrLabel || t.label === codeOrLabel);
}

/** The driver's checks before a create; every machine a spec makes is placed the same way. */
export function place(ctx: LegacyContext, spec: MachineSpec): { ok: true; placement: Placement } | Envelope {
  const backend = ctx.settings.backends[spec.Provider];
  if (!backend) return unknownDriver(spec.Provider);
  const region = spec.Zone.RegionName;
  const zone = spec.Zone.ZoneName;
  const net = spec.Network;
  if (!backend.regions.some((r) => r.RegionName === region)) return createErr(`region ${region} not found`);
  if (!backend.zones.some((z) => z.region === region && z.ZoneName === zone))
    return createErr(`zone ${zone} not found in region ${region}`);
  const type = typeOf(backend, spec.InstanceType);
  if (!type) return createErr(`instance type ${spec.InstanceType} not supported`);
  if (!backend.images.some((i) => i.region === region && i.ImageId === spec.ImageId))
    return createErr(`image ${spec.ImageId} not found in region ${region}`);
  let subnetCidr: string | null = null;
  let mapsPublicIp = false;
  if (net.VpcId !== '' || net.SubnetId !== '') {
    if (!backend.vpcs.some((v) => v.region === region && v.VpcId === net.VpcId))
      return createErr(`vpc ${net.VpcId} not found in region ${region}`);
    const subnet = backend.subnets.find(
      (s) => s.SubnetId === net.SubnetId && s.VpcId === net.VpcId && s.AvailabilityZone === zone,
    );
    if (!subnet) return createErr(`subnet ${net.SubnetId} not found in zone ${zone} of vpc ${net.VpcId}`);
    subnetCidr = subnet.CidrBlock;
    mapsPublicIp = subnet.MapPublicIpOnLaunch;
  }
  const groups = backend.securityGroups.filter((g) => g.region === region);
  if (net.SecurityGroup !== '' && !groups.some((g) => g.GroupId === net.SecurityGroup))
    return createErr(`security group ${net.SecurityGroup} not found in region ${region}`);
  // A21: with no group named, the machine lands in the region's default group for its network.
  const securityGroupId = net.SecurityGroup || (groups.find((g) => g.VpcId === net.VpcId) ?? groups[0])?.GroupId || '';
  if (net.InternetChargeType !== '' && !backend.chargeTypes.includes(net.InternetChargeType))
    return createErr(`internet charge type ${net.InternetChargeType} not supported`);
  for (const category of [spec.SystemDiskCategory, ...(spec.DataDiskNum > 0 ? [spec.DataDiskCategory] : [])])
    if (!backend.diskCategories.includes(category)) return createErr(`disk category ${category} not supported`);
  return { ok: true, placement: { backend, type, subnetCidr, mapsPublicIp, securityGroupId } };
}

/** The platform fields of one new cloud machine (fresh row id and addresses). */
export function newMachine(ctx: LegacyContext, spec: MachineSpec, p: Placement, clusterId: number): MachineAttrs {
  const rnd = ctx.engine.random('platform');
  const { ips } = ctx.state;
  const aws = spec.Provider === 'aws' && ctx.settings.awsPlaceholders;
  const publicIp =
    spec.Network.InternetMaxBandwidthOut > 0 || p.mapsPublicIp ? addressUnder(p.backend.publicPrefix, rnd, ips) : '';
  return {
    Id: ctx.state.nextRowId++,
    Provider: spec.Provider,
    clusterId,
    Cpu: p.type.cpu,
    Ram: p.type.ram,
    ImageId: spec.ImageId,
    InstanceType: p.type.code,
    KeyName: '',
    VpcId: spec.Network.VpcId,
    SubnetId: spec.Network.SubnetId,
    SecurityGroupId: p.securityGroupId,
    // A22: the broker's AWS driver wrote placeholders where these belong.
    RegionId: aws ? 'aws region ' : spec.Zone.RegionName,
    ZoneId: aws ? 'aws zone' : spec.Zone.ZoneName,
    DataDiskNum: spec.DataDiskNum,
    DataDiskSize: spec.DataDiskSize,
    DataDiskCategory: spec.DataDiskCategory,
    SystemDiskCategory: spec.SystemDiskCategory,
    CostWay: aws ? 'aws costway' : p.backend.costWay,
    PreBuyMonth: 0,
    // A23: a classic-network machine gets an inner 10.x address.
    PrivateIpAddress: addressIn(p.subnetCidr ?? '10.32.0.0/11', rnd, ips),
    PublicIpAddress: publicIp,
    NatIpAddress: aws ? 'aws nia' : '',
  };
}
