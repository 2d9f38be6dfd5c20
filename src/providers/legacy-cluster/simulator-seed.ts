/**
 * Seed data of the legacy cluster simulator: what each backend driver (aliyun, aws,
 * openstack) answers to the catalog lookups, the templates the broker starts with (an Aliyun
 * one, the synthetic "Physical device" one, an AWS one) and one registered physical machine.
 * Values follow the document's examples where it has them (template 3, the cn-beijing VPC,
 * vSwitch, image and security groups, the AWS t2.micro template, the phydev 101.1.2.42).
 */

export interface RegionSeed {
  RegionName: string;
  Endpoint: string;
}
export interface ZoneSeed {
  region: string;
  ZoneName: string;
  /** Localized display name: the wire puts it in `RegionName` (A31). */
  label: string;
}
export interface VpcSeed {
  region: string;
  VpcId: string;
  CidrBlock: string;
  IsDefault: boolean;
}
export interface SubnetSeed {
  VpcId: string;
  AvailabilityZone: string;
  SubnetId: string;
  CidrBlock: string;
  AvailableIpAddressCount: number;
  DefaultForAz: boolean;
  MapPublicIpOnLaunch: boolean;
}
export interface InstanceTypeSeed {
  /** The backend's type code (what templates and machines carry). */
  code: string;
  /** The label op 21 lists. */
  label: string;
  cpu: number;
  ram: number;
}
export interface ImageSeed {
  region: string;
  ImageId: string;
  Name: string;
  Description: string;
  CreationDate: string;
  Architecture: string;
  OwnerId: string;
  Public: boolean;
}
export interface SecurityGroupSeed {
  region: string;
  GroupId: string;
  GroupName: string;
  Description: string;
  VpcId: string;
}

/** One backend driver's catalog and habits. */
export interface BackendSeed {
  regions: RegionSeed[];
  zones: ZoneSeed[];
  vpcs: VpcSeed[];
  subnets: SubnetSeed[];
  instanceTypes: InstanceTypeSeed[];
  chargeTypes: string[];
  diskCategories: string[];
  images: ImageSeed[];
  /** The first group of a region with an empty VpcId is the one a classic machine gets (A21). */
  securityGroups: SecurityGroupSeed[];
  /** Instance billing mode written on machines (`CostWay`). */
  costWay: string;
  /** A20: how the backend spells instance ids. */
  idStyle: 'aliyun' | 'aws' | 'uuid';
  /** First two octets of public addresses it hands out. */
  publicPrefix: string;
}

const ALIYUN: BackendSeed = {
  regions: [
    { RegionName: 'cn-beijing', Endpoint: '' },
    { RegionName: 'cn-zhangjiakou', Endpoint: '' },
  ],
  zones: [
    { region: 'cn-beijing', ZoneName: 'cn-beijing-a', label: '华北 2 可用区 A' },
    { region: 'cn-beijing', ZoneName: 'cn-beijing-c', label: '华北 2 可用区 C' },
    { region: 'cn-beijing', ZoneName: 'cn-beijing-d', label: '华北 2 可用区 D' },
    { region: 'cn-zhangjiakou', ZoneName: 'cn-zhangjiakou-a', label: '华北 3 可用区 A' },
  ],
  vpcs: [{ region: 'cn-beijing', VpcId: 'vpc-2ze0sufdt8yiguyg8u2lp', CidrBlock: '172.17.0.0/16', IsDefault: false }],
  subnets: [
    {
      VpcId: 'vpc-2ze0sufdt8yiguyg8u2lp',
      AvailabilityZone: 'cn-beijing-a',
      SubnetId: 'vsw-2zeci6ok1lzo3wjdgvtua',
      CidrBlock: '172.17.192.0/20',
      AvailableIpAddressCount: 0,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
    },
    {
      VpcId: 'vpc-2ze0sufdt8yiguyg8u2lp',
      AvailabilityZone: 'cn-beijing-c',
      SubnetId: 'vsw-2ze7y1n9qfm4kkd0p3l2c',
      CidrBlock: '172.17.208.0/20',
      AvailableIpAddressCount: 0,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
    },
  ],
  instanceTypes: [
    { code: 'ecs.n1.tiny', label: '1Core-1GB', cpu: 1, ram: 1 },
    { code: 'ecs.n1.small', label: '1Core-2GB', cpu: 1, ram: 2 },
    { code: 'ecs.c2.medium', label: '4Cores-8GB', cpu: 4, ram: 8 },
    { code: 'ecs.c2.xlarge', label: '16Cores-16GB', cpu: 16, ram: 16 },
    { code: 'ecs.n2.3xlarge', label: '16Cores-64GB', cpu: 16, ram: 64 },
  ],
  chargeTypes: ['PayByBandwidth', 'PayByTraffic'],
  diskCategories: ['cloud_efficiency', 'cloud_ssd'],
  images: [
    {
      region: 'cn-beijing',
      ImageId: 'centos7u2_64_40G_cloudinit_20160728.raw',
      Name: 'centos7u2_64_40G_cloudinit_20160728.raw',
      Description: 'CentOS 7.2 64 bit',
      CreationDate: '2016-07-28T08:00:00Z',
      Architecture: 'x86_64',
      OwnerId: 'system',
      Public: true,
    },
    {
      region: 'cn-beijing',
      ImageId: 'm-2zefnwiq237sjwnt7oez',
      Name: 'mapi-image-2017073101',
      Description: 'upgrade docker to 1.12\nadd mesos-slave',
      CreationDate: '2017-07-31T09:00:02Z',
      Architecture: 'x86_64',
      OwnerId: 'self',
      Public: false,
    },
    {
      region: 'cn-zhangjiakou',
      ImageId: 'centos7u2_64_40G_cloudinit_20160728.raw',
      Name: 'centos7u2_64_40G_cloudinit_20160728.raw',
      Description: 'CentOS 7.2 64 bit',
      CreationDate: '2016-07-28T08:00:00Z',
      Architecture: 'x86_64',
      OwnerId: 'system',
      Public: true,
    },
  ],
  securityGroups: [
    {
      region: 'cn-beijing',
      GroupId: 'sg-25vpbkswc',
      GroupName: 'sg-25vpbkswc',
      Description: 'System created security group.',
      VpcId: '',
    },
    { region: 'cn-beijing', GroupId: 'sg-2ze727lmif5l3o5x5vf5', GroupName: 'p2p_group', Description: 'P2P', VpcId: '' },
    {
      region: 'cn-zhangjiakou',
      GroupId: 'sg-8vb1c3d5f7h9j1l3n5p7',
      GroupName: 'sg-8vb1c3d5f7h9j1l3n5p7',
      Description: 'System created security group.',
      VpcId: '',
    },
  ],
  costWay: 'PostPaid',
  idStyle: 'aliyun',
  publicPrefix: '101.201',
};

const AWS: BackendSeed = {
  regions: [{ RegionName: 'cn-north-1', Endpoint: 'ec2.cn-north-1.amazonaws.com.cn' }],
  zones: [
    { region: 'cn-north-1', ZoneName: 'cn-north-1a', label: 'cn-north-1a' },
    { region: 'cn-north-1', ZoneName: 'cn-north-1b', label: 'cn-north-1b' },
  ],
  vpcs: [{ region: 'cn-north-1', VpcId: 'vpc-62a57d06', CidrBlock: '172.31.0.0/16', IsDefault: true }],
  subnets: [
    {
      VpcId: 'vpc-62a57d06',
      AvailabilityZone: 'cn-north-1a',
      SubnetId: 'subnet-f303e897',
      CidrBlock: '172.31.0.0/20',
      AvailableIpAddressCount: 4091,
      DefaultForAz: true,
      MapPublicIpOnLaunch: true,
    },
  ],
  instanceTypes: [
    { code: 't2.micro', label: '1Core-1GB', cpu: 1, ram: 1 },
    { code: 't2.small', label: '1Core-2GB', cpu: 1, ram: 2 },
    { code: 't2.medium', label: '2Cores-4GB', cpu: 2, ram: 4 },
    { code: 'm4.xlarge', label: '4Cores-16GB', cpu: 4, ram: 16 },
  ],
  // The broker speaks one vocabulary to every driver: the AWS template of the document says PayByBandwidth.
  chargeTypes: ['PayByBandwidth', 'PayByTraffic'],
  diskCategories: ['standard', 'gp2', 'io1'],
  images: [
    {
      region: 'cn-north-1',
      ImageId: 'ami-3965b454',
      Name: 'amzn-ami-hvm-2017.03.1.20170623-x86_64-gp2',
      Description: 'Amazon Linux AMI 2017.03.1.20170623 x86_64 HVM GP2',
      CreationDate: '2017-06-23T21:06:08Z',
      Architecture: 'x86_64',
      OwnerId: '141808717104',
      Public: true,
    },
  ],
  securityGroups: [
    {
      region: 'cn-north-1',
      GroupId: 'sg-d6d62bb3',
      GroupName: 'default',
      Description: 'default VPC security group',
      VpcId: 'vpc-62a57d06',
    },
  ],
  costWay: 'OnDemand',
  idStyle: 'aws',
  publicPrefix: '52.80',
};

const OPENSTACK: BackendSeed = {
  regions: [{ RegionName: 'RegionOne', Endpoint: '' }],
  zones: [{ region: 'RegionOne', ZoneName: 'nova', label: 'nova' }],
  vpcs: [
    { region: 'RegionOne', VpcId: '4c3b2a19-0f8e-4d7c-9b6a-5e4d3c2b1a09', CidrBlock: '10.0.0.0/16', IsDefault: true },
  ],
  subnets: [
    {
      VpcId: '4c3b2a19-0f8e-4d7c-9b6a-5e4d3c2b1a09',
      AvailabilityZone: 'nova',
      SubnetId: '8d7c6b5a-4e3f-4a2b-8c1d-0e9f8a7b6c5d',
      CidrBlock: '10.0.1.0/24',
      AvailableIpAddressCount: 250,
      DefaultForAz: true,
      MapPublicIpOnLaunch: false,
    },
  ],
  instanceTypes: [
    { code: 'm1.small', label: '1Core-2GB', cpu: 1, ram: 2 },
    { code: 'm1.medium', label: '2Cores-4GB', cpu: 2, ram: 4 },
    { code: 'm1.large', label: '4Cores-8GB', cpu: 4, ram: 8 },
  ],
  chargeTypes: [],
  diskCategories: ['ceph', 'local'],
  images: [
    {
      region: 'RegionOne',
      ImageId: '5e1f0a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b',
      Name: 'centos-7-x86_64',
      Description: '',
      CreationDate: '2017-07-20T03:12:45Z',
      Architecture: 'x86_64',
      OwnerId: 'admin',
      Public: true,
    },
  ],
  securityGroups: [
    {
      region: 'RegionOne',
      GroupId: '0a1b2c3d-4e5f-4061-8273-9a8b7c6d5e4f',
      GroupName: 'default',
      Description: 'Default security group',
      VpcId: '',
    },
  ],
  costWay: '',
  idStyle: 'uuid',
  publicPrefix: '172.24',
};

export const DEFAULT_BACKENDS: Readonly<Record<string, BackendSeed>> = {
  aliyun: ALIYUN,
  aws: AWS,
  openstack: OPENSTACK,
};
