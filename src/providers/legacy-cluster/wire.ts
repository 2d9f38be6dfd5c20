/**
 * Wire schemas of the legacy cluster broker's payloads (catalog §2.4, §4, §5). Objects are
 * loose: the broker is a Go service whose structs may grow fields, and the raw record goes to
 * providerData. Field names are kept exactly as the broker spells them (PascalCase, with its
 * snake_case exceptions and the `LastestPartNum` typo) — never normalised.
 */
import { z } from 'zod';

/** Every JSON answer: `{code, msg, content, ext}`. `ext` is documented as a string but expand sends an int. */
export const WireEnvelope = z.looseObject({
  code: z.number().int(),
  msg: z.string().nullish(),
  content: z.unknown().optional(),
  ext: z.unknown().optional(),
});
export type WireEnvelope = z.infer<typeof WireEnvelope>;

/** A string the broker may leave out or send as null (Go zero values are "" but the examples are inconsistent). */
const Str = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
/** An int the broker may leave out or send as null. */
const Int = z
  .number()
  .nullish()
  .transform((v) => v ?? 0);

export const WireNetwork = z.looseObject({
  Id: Int,
  VpcId: Str,
  SubnetId: Str,
  /** Not `SecurityGroupId` (that is the instance's field). */
  SecurityGroup: Str,
  InternetChargeType: Str,
  InternetMaxBandwidthOut: Int,
});
export type WireNetwork = z.infer<typeof WireNetwork>;

/** A template's location: `RegionName` is the region id, `ZoneName` the zone id (catalog §4.3). */
export const WireZoneRef = z.looseObject({ Id: Int, RegionName: Str, ZoneName: Str });

/** A machine template ("cluster", catalog §4.1). */
export const WireTemplate = z.looseObject({
  Id: z.number().int(),
  Name: Str,
  Provider: Str,
  LastestPartNum: Int,
  Desc: Str,
  CreateTime: Str,
  DeleteTime: Str,
  Cpu: Int,
  Ram: Int,
  InstanceType: Str,
  ImageId: Str,
  PostScript: Str,
  KeyName: Str,
  Network: WireNetwork.nullish(),
  Zone: WireZoneRef.nullish(),
  Replication: z.unknown().optional(),
  SystemDiskCategory: Str,
  DataDiskSize: Int,
  DataDiskNum: Int,
  // The field table says int (defect 2); every example holds a string.
  DataDiskCategory: z
    .union([z.string(), z.number()])
    .nullish()
    .transform((v) => (v === null || v === undefined ? '' : String(v))),
  FlavorId: Str,
});
export type WireTemplate = z.infer<typeof WireTemplate>;

/** A machine (catalog §4.4): no field table in the document, so every field but the id is lenient. */
export const WireInstance = z.looseObject({
  Id: Int,
  Cluster: WireTemplate.nullish().catch(null),
  Provider: Str,
  CreateTime: Str,
  Cpu: Int,
  Ram: Int,
  InstanceId: z.string().min(1),
  ImageId: Str,
  InstanceType: Str,
  KeyName: Str,
  VpcId: Str,
  SubnetId: Str,
  SecurityGroupId: Str,
  RegionId: Str,
  ZoneId: Str,
  DataDiskNum: Int,
  DataDiskSize: Int,
  DataDiskCategory: Str,
  SystemDiskCategory: Str,
  CostWay: Str,
  PreBuyMonth: Int,
  PrivateIpAddress: Str,
  PublicIpAddress: Str,
  NatIpAddress: Str,
  /** Undocumented integer enum (A47). */
  Status: z.number().int(),
  TenantID: Str,
  UserID: Str,
  Name: Str,
});
export type WireInstance = z.infer<typeof WireInstance>;

/** An array the broker may send as null when empty (a Go nil slice marshals to null). */
const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? []);

export const WireTemplateList = list(WireTemplate);
export const WireInstanceList = list(WireInstance);
export const WireStringList = list(z.string());

/** Op 11: snake_case, an array even for one id. */
export const WireStatusItem = z.looseObject({ instance_id: z.string(), status: z.number().int(), ip_address: Str });
export const WireStatusList = list(WireStatusItem);

export const WireRegion = z.looseObject({ RegionName: z.string().min(1), Endpoint: Str });
/** Op 18: `RegionName` is the zone's display name, `ZoneName` its id (defect 39). */
export const WireZone = z.looseObject({
  ZoneName: z.string().min(1),
  RegionName: Str,
  State: Str,
  Messages: z.unknown(),
});

/** AWS-SDK style tags: `[{Key, Value}]`, or null. */
export const WireTags = z
  .array(z.looseObject({ Key: Str, Value: Str }))
  .nullish()
  .catch(null);

export const WireVpc = z.looseObject({
  VpcId: z.string().min(1),
  CidrBlock: Str,
  State: Str,
  IsDefault: z.boolean().nullish(),
  Tags: WireTags,
});
export const WireSubnet = z.looseObject({
  SubnetId: z.string().min(1),
  VpcId: Str,
  CidrBlock: Str,
  AvailabilityZone: Str,
  State: Str,
  Tags: WireTags,
});
export const WireImage = z.looseObject({
  ImageId: z.string().min(1),
  Name: Str,
  Description: Str,
  Platform: Str,
  State: Str,
  Public: z.boolean().nullish(),
  OwnerId: Str,
});

const WireIpRange = z.looseObject({ CidrIp: Str });
export const WireIpPermission = z.looseObject({
  IpProtocol: Str,
  FromPort: z.number().nullish(),
  ToPort: z.number().nullish(),
  IpRanges: z.array(WireIpRange).nullish(),
});
export const WireSecurityGroup = z.looseObject({
  GroupId: z.string().min(1),
  GroupName: Str,
  Description: Str,
  VpcId: Str,
  IpPermissions: z.array(WireIpPermission).nullish().catch(null),
  IpPermissionsEgress: z.array(WireIpPermission).nullish().catch(null),
  Tags: WireTags,
});
export type WireSecurityGroup = z.infer<typeof WireSecurityGroup>;

export const WireRegionList = list(WireRegion);
export const WireZoneList = list(WireZone);
export const WireVpcList = list(WireVpc);
export const WireSubnetList = list(WireSubnet);
export const WireImageList = list(WireImage);
export const WireSecurityGroupList = list(WireSecurityGroup);

/** Op 5's `content`: the new machines' provider instance ids. */
export const WireExpandIds = list(z.string().min(1));

/** A count the broker prints as a string (`"2"`, defect 21); a number is read too. */
export const WireCount = z.union([z.number(), z.string().regex(/^\s*\d+\s*$/)]).transform((v) => Number(v));

/** Op 6/7 sample: `time`, `total` and one key per backend with machines online. */
export const WireCountSample = z.record(z.string(), z.union([z.string(), z.number()]));

/** Op 31's per-batch summary (also the shape of op 32's documented failure). */
export const WireRegisterSummary = z.looseObject({
  success: z.number().int(),
  failed: z.number().int(),
  errors: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
});
export type WireRegisterSummary = z.infer<typeof WireRegisterSummary>;

/** Go's zero `time.Time`: the template is not deleted (catalog §2.7). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

/** RFC 3339 time → Date; Go's zero time, "" and unreadable values → null. */
export function parseWireTime(value: string): Date | null {
  if (!value || value.startsWith('0001-01-01')) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(at);
}
