/**
 * What the legacy cluster simulator holds after a start or a reset, and the constants a demo
 * account is built from. The broker has no auth, so a demo account needs only the endpoint
 * (the server root: every path starts with `/v1`).
 */
import type { SimConfigPatch } from '../../sim/index.ts';
import type { LegacyContext, LegacyState } from './simulator-context.ts';
import { createCountLedger } from './simulator-ledger.ts';
import { createLogStore } from './simulator-logs.ts';
import { recordMachine } from './simulator-machines.ts';
import { PHYSICAL, type TemplateRecord, ZERO_MACHINE, putTemplate } from './simulator-model.ts';
import { LEGACY_STATUS_MEANING } from './simulator-status.ts';

/** Template 3 of the document: 1 vCPU / 1 GiB on Aliyun's classic network in cn-beijing-c. */
export const DEMO_ALIYUN_TEMPLATE_ID = 3;
/** The synthetic template registered machines hang on (op 31). It cannot be expanded or deleted. */
export const DEMO_PHYSICAL_TEMPLATE_ID = 4;
/** An AWS template in vpc-62a57d06 / subnet-f303e897 (cn-north-1a). */
export const DEMO_AWS_TEMPLATE_ID = 5;

/** Transitions of a fraction of a second, for demos and contract tests (`config` option). */
export const DEMO_FAST_CONFIG: SimConfigPatch = {
  delays: { bootMs: 300, startMs: 150, stopMs: 150, rebootMs: 150, deleteMs: 150 },
};

/** Headers a demo account sends: none (the document has no auth; A1). */
export const DEMO_HEADERS: Readonly<Record<string, string>> = {};

/**
 * Where a create (op 8) or a template (op 3) lands on each seeded backend: the ids the
 * catalog lookups return, in the shapes the wire uses (`Zone.RegionName` / `Zone.ZoneName`,
 * `Network.VpcId` / `SubnetId` / `SecurityGroup`). An empty VPC means Aliyun's classic network.
 */
export const DEMO_PLACEMENT = {
  aliyun: {
    provider: 'aliyun',
    regionId: 'cn-beijing',
    zoneId: 'cn-beijing-c',
    instanceType: 'ecs.n1.tiny',
    imageId: 'centos7u2_64_40G_cloudinit_20160728.raw',
    vpcId: 'vpc-2ze0sufdt8yiguyg8u2lp',
    subnetId: 'vsw-2ze7y1n9qfm4kkd0p3l2c',
    securityGroupId: 'sg-25vpbkswc',
    internetChargeType: 'PayByBandwidth',
    diskCategory: 'cloud_efficiency',
  },
  aws: {
    provider: 'aws',
    regionId: 'cn-north-1',
    zoneId: 'cn-north-1a',
    instanceType: 't2.micro',
    imageId: 'ami-3965b454',
    vpcId: 'vpc-62a57d06',
    subnetId: 'subnet-f303e897',
    securityGroupId: 'sg-d6d62bb3',
    internetChargeType: 'PayByTraffic',
    diskCategory: 'standard',
  },
  openstack: {
    provider: 'openstack',
    regionId: 'RegionOne',
    zoneId: 'nova',
    instanceType: 'm1.small',
    imageId: '5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
    vpcId: '4c3b2a19-0f8e-4d7c-9b6a-5e4d3c2b1a09',
    subnetId: '8d7c6b5a-4e3f-4a2b-8c1d-0e9f8a7b6c5d',
    securityGroupId: '0a1b2c3d-4e5f-4061-8273-9a8b7c6d5e4f',
    internetChargeType: '',
    diskCategory: 'ceph',
  },
} as const;

/** The physical machine registered at start (the document's op 9 example), status 3. */
export const DEMO_PHYDEV = {
  instanceId: 'i-b5omql5sajq2oum6srf0',
  publicIp: '101.1.2.42',
  privateIp: '1.11.1.1',
} as const;

/** The simulator's reading of the integer `Status` (A6), as a per-account `statusMap` override. */
export const DEMO_STATUS_MAP: Readonly<Record<string, string>> = LEGACY_STATUS_MEANING;

const network = (Id: number, over: Partial<TemplateRecord['Network']> = {}) => ({
  Id,
  VpcId: '',
  SubnetId: '',
  SecurityGroup: '',
  InternetChargeType: 'PayByBandwidth',
  InternetMaxBandwidthOut: 5,
  ...over,
});

function seedTemplates(now: number): TemplateRecord[] {
  const base = { LastestPartNum: 0, Desc: '', PostScript: '', Replication: null, FlavorId: '', createdAt: now };
  return [
    {
      ...base,
      Id: DEMO_ALIYUN_TEMPLATE_ID,
      Name: '1Core1G经典网',
      Provider: 'aliyun',
      Cpu: 1,
      Ram: 1,
      InstanceType: 'ecs.n1.tiny',
      ImageId: 'centos7u2_64_40G_cloudinit_20160728.raw',
      KeyName: 'key',
      Network: network(1),
      Zone: { Id: 1, RegionName: 'cn-beijing', ZoneName: 'cn-beijing-c' },
      SystemDiskCategory: 'cloud_efficiency',
      DataDiskSize: 100,
      DataDiskNum: 1,
      DataDiskCategory: 'cloud_efficiency',
      deletedAt: null,
    },
    {
      ...base,
      Id: DEMO_PHYSICAL_TEMPLATE_ID,
      Name: 'Physical device',
      Provider: PHYSICAL,
      Desc: 'About physical device',
      Cpu: 0,
      Ram: 0,
      InstanceType: '',
      ImageId: '',
      KeyName: '',
      Network: network(2, { InternetChargeType: '', InternetMaxBandwidthOut: 0 }),
      Zone: { Id: 2, RegionName: '', ZoneName: '' },
      SystemDiskCategory: '',
      DataDiskSize: 0,
      DataDiskNum: 0,
      DataDiskCategory: '',
      deletedAt: null,
    },
    {
      ...base,
      Id: DEMO_AWS_TEMPLATE_ID,
      Name: '1Core-1Gib',
      Provider: 'aws',
      Cpu: 1,
      Ram: 1,
      InstanceType: 't2.micro',
      ImageId: 'ami-3965b454',
      KeyName: 'zhaowei9',
      Network: network(3, { VpcId: 'vpc-62a57d06', SubnetId: 'subnet-f303e897' }),
      Zone: { Id: 3, RegionName: 'cn-north-1', ZoneName: 'cn-north-1a' },
      SystemDiskCategory: 'standard',
      DataDiskSize: 100,
      DataDiskNum: 1,
      DataDiskCategory: 'standard',
      deletedAt: null,
    },
  ];
}

export function freshState(): LegacyState {
  return {
    nextTemplateId: DEMO_AWS_TEMPLATE_ID + 1,
    nextNetworkId: 4,
    nextZoneId: 4,
    nextRowId: 20,
    ips: new Set(),
    keys: new Map(),
    // A37: a configured OpenStack connection, so the openstack driver answers from the start.
    openstack: { OpIP: '127.0.0.1', OpPort: '26018', OpUserName: 'root', OpPassword: '' },
    logs: createLogStore(),
    ledger: createCountLedger(),
  };
}

/** Seeds templates and, unless told not to, the registered physical machine. */
export function seedBroker(ctx: LegacyContext, seedMachines: boolean): void {
  const now = ctx.engine.clock.now();
  for (const t of seedTemplates(now)) putTemplate(ctx.engine, t);
  if (!seedMachines) return;
  ctx.state.ips.add(DEMO_PHYDEV.publicIp);
  recordMachine(ctx, {
    id: DEMO_PHYDEV.instanceId,
    attrs: {
      ...ZERO_MACHINE,
      Id: ctx.state.nextRowId++,
      Provider: PHYSICAL,
      clusterId: DEMO_PHYSICAL_TEMPLATE_ID,
      Cpu: 1,
      Ram: 1,
      PrivateIpAddress: DEMO_PHYDEV.privateIp,
      PublicIpAddress: DEMO_PHYDEV.publicIp,
    },
    initialState: 'running',
    correlationId: '',
    message: `register machine ${DEMO_PHYDEV.publicIp} as ${DEMO_PHYDEV.instanceId}`,
  });
}
