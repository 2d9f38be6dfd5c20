/**
 * A unified MachineSpec → the broker's machine body (the template of op 3, the create of op 8),
 * A51–A54. Everything the broker requires and a spec may lack is checked here first, so bad
 * input costs no platform call; what a spec says that the broker cannot hold is refused, not
 * dropped, except what A53 lists as ignored.
 */
import type { MachineSpec } from '../../domain/machine-spec.ts';
import { ProviderError, type CreateProblem } from '../contract.ts';
import type { LegacyOptions } from './account.ts';
import { PROVIDER } from './client.ts';
import { sizeOfLabel } from './mapping.ts';
import type { WireTemplate } from './wire.ts';

/** The wire fields op 8 documents, which op 3 and op 5 repeat. */
export interface MachineBody {
  Provider: string;
  InstanceType: string;
  ImageId: string;
  Network: {
    Id: number;
    VpcId: string;
    SubnetId: string;
    SecurityGroup: string;
    InternetChargeType: string;
    InternetMaxBandwidthOut: number;
  };
  Zone: { Id: number; RegionName: string; ZoneName: string };
  SystemDiskCategory: string;
  DataDiskSize: number;
  DataDiskNum: number;
  DataDiskCategory: string;
  KeyName: string;
}

/** Op 3's body: the machine body plus the template's own fields. */
export interface TemplateBody extends MachineBody {
  Id: number;
  Name: string;
  Cpu: number;
  Ram: number;
  Desc: string;
  PostScript: string;
  Replication: null;
  FlavorId: string;
}

function refuse(operation: string, detail: string): never {
  throw new ProviderError(PROVIDER, operation, 'invalid', undefined, detail);
}

/** The data disks a machine gets: the spec's, else the account's default set. */
function diskList(spec: MachineSpec, options: LegacyOptions) {
  const fallback = options.defaultDataDisk;
  if (spec.dataDisks.length > 0) return spec.dataDisks;
  return fallback
    ? Array.from({ length: fallback.count }, () => ({ sizeGiB: fallback.sizeGiB, category: fallback.category }))
    : [];
}

/**
 * What the broker requires and a spec with its account may lack, or hold in a form it cannot take,
 * as field-named problems: the one list of rules, read by checkCreate (templates, accounts and
 * expands refused when made) and by machineBody (nothing sent when one is broken).
 */
export function createProblems(spec: MachineSpec, options: LegacyOptions): CreateProblem[] {
  const problems: CreateProblem[] = [];
  const need = (pointers: CreateProblem['pointers'], detail: string) => problems.push({ pointers, detail });
  if (spec.login.password)
    need(['/spec/login/password'], 'a login password cannot be set on this platform (no such field); use a key name');
  if (spec.charge !== 'on_demand')
    need(['/spec/charge'], 'only on_demand charging can be set here (CostWay is not settable)');
  if ((spec.network.securityGroupIds ?? []).length > 1)
    need(['/spec/network/securityGroupIds'], 'this platform takes one security group per machine');
  if (!(spec.zone ?? options.zone))
    need(['/spec/zone', '/options/zone'], 'a zone is required: set spec.zone or options.zone');
  if (!(spec.systemDisk?.category ?? options.systemDiskCategory))
    need(
      ['/spec/systemDisk/category', '/options/systemDiskCategory'],
      'a system disk category is required: set spec.systemDisk.category or options.systemDiskCategory',
    );
  const disks = diskList(spec, options);
  const [first] = disks;
  const category = first?.category ?? options.dataDiskCategory;
  if (disks.length === 0)
    need(
      ['/spec/dataDisks', '/options/defaultDataDisk'],
      'every machine here has 1–4 data disks: set spec.dataDisks or options.defaultDataDisk',
    );
  else if (disks.length > 4) need(['/spec/dataDisks'], 'at most 4 data disks per machine');
  else if (disks.some((d) => d.sizeGiB !== first?.sizeGiB || (d.category ?? options.dataDiskCategory) !== category))
    need(['/spec/dataDisks'], 'the data disks of one machine share one size and one category here');
  else if (!category)
    need(
      ['/spec/dataDisks', '/options/dataDiskCategory'],
      'a data disk category is required: set spec.dataDisks[].category or options.dataDiskCategory',
    );
  return problems;
}

/** Checks a spec against what the broker can hold and builds its machine body. */
export function machineBody(spec: MachineSpec, options: LegacyOptions, operation: string): MachineBody {
  const [problem] = createProblems(spec, options);
  if (problem) refuse(operation, problem.detail);
  const groups = spec.network.securityGroupIds ?? [];
  const disks = diskList(spec, options);
  const first = disks[0]!;
  return {
    Provider: options.backend,
    InstanceType: spec.instanceType,
    ImageId: spec.image,
    Network: {
      Id: 0,
      // "" is the classic network (catalog §4.2).
      VpcId: spec.network.vpcId ?? '',
      SubnetId: spec.network.subnetId ?? '',
      SecurityGroup: groups[0] ?? options.securityGroupId ?? '',
      InternetChargeType: options.internetChargeType ?? '',
      InternetMaxBandwidthOut: options.internetMaxBandwidthOut,
    },
    Zone: { Id: 0, RegionName: spec.region ?? options.region, ZoneName: (spec.zone ?? options.zone)! },
    SystemDiskCategory: (spec.systemDisk?.category ?? options.systemDiskCategory)!,
    DataDiskSize: first.sizeGiB,
    DataDiskNum: disks.length,
    DataDiskCategory: (first.category ?? options.dataDiskCategory)!,
    KeyName: spec.login.keyName ?? options.keyName ?? '',
  };
}

/** Op 3's body for a Cloudplane template (A55). */
export function templateBody(name: string, spec: MachineSpec, options: LegacyOptions, operation: string): TemplateBody {
  const body = machineBody(spec, options, operation);
  const size = sizeOfLabel(spec.instanceType);
  return {
    Id: 0,
    Name: name,
    ...body,
    // Cpu/Ram are informational on the wire (the examples disagree with their own labels): the label's numbers, or 0.
    Cpu: size?.vcpus ?? 0,
    Ram: size ? Math.round(size.memoryGiB) : 0,
    Desc: '',
    PostScript: '',
    Replication: null,
    FlavorId: '',
  };
}

/** The wire fields a stored template must share with a spec to be "in step" with it (A56); the name is not one. */
export function differingFields(stored: WireTemplate, wanted: TemplateBody): string[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['Provider', stored.Provider, wanted.Provider],
    ['InstanceType', stored.InstanceType, wanted.InstanceType],
    ['ImageId', stored.ImageId, wanted.ImageId],
    ['KeyName', stored.KeyName, wanted.KeyName],
    ['Network.VpcId', stored.Network?.VpcId ?? '', wanted.Network.VpcId],
    ['Network.SubnetId', stored.Network?.SubnetId ?? '', wanted.Network.SubnetId],
    ['Network.SecurityGroup', stored.Network?.SecurityGroup ?? '', wanted.Network.SecurityGroup],
    ['Network.InternetChargeType', stored.Network?.InternetChargeType ?? '', wanted.Network.InternetChargeType],
    [
      'Network.InternetMaxBandwidthOut',
      stored.Network?.InternetMaxBandwidthOut ?? 0,
      wanted.Network.InternetMaxBandwidthOut,
    ],
    ['Zone.RegionName', stored.Zone?.RegionName ?? '', wanted.Zone.RegionName],
    ['Zone.ZoneName', stored.Zone?.ZoneName ?? '', wanted.Zone.ZoneName],
    ['SystemDiskCategory', stored.SystemDiskCategory, wanted.SystemDiskCategory],
    ['DataDiskSize', stored.DataDiskSize, wanted.DataDiskSize],
    ['DataDiskNum', stored.DataDiskNum, wanted.DataDiskNum],
    ['DataDiskCategory', stored.DataDiskCategory, wanted.DataDiskCategory],
  ];
  return pairs.filter(([, a, b]) => a !== b).map(([field]) => field);
}
