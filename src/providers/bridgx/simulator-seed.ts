/**
 * Seed data of the BridgX simulator: the organization, its cloud accounts and token, the
 * catalog of each provider, and the demo account's network. Ids follow the document's
 * Alibaba shapes (`vpc-…`, `vsw-…`, `sg-…`, `LTAI…`); display names are Chinese where the
 * platform's are (region and zone `LocalName`).
 */

export const BX_PROVIDERS = ['AlibabaCloud', 'HuaweiCloud', 'TencentCloud', 'BaiduCloud', 'AWSCloud'] as const;
export type BxProvider = (typeof BX_PROVIDERS)[number];

/** A cloud account registered in BridgX out of band (A5): only its AccessKey ID travels. */
export interface BxAccountSeed {
  ak: string;
  provider: BxProvider;
  name: string;
}

/** A BridgX organization (tenant): its accounts and the bearer tokens that act for it. */
export interface BxOrgSeed {
  id: string;
  name: string;
  /** User name shown as `create_by` for calls made with one of the tokens. */
  user: string;
  accounts: BxAccountSeed[];
  tokens: string[];
}

export interface BxZoneSeed {
  id: string;
  localName: string;
}

export interface BxRegionSeed {
  provider: BxProvider;
  id: string;
  localName: string;
  zones: BxZoneSeed[];
}

export interface BxInstanceTypeSeed {
  provider: BxProvider;
  family: string;
  type: string;
  core: number;
  memory: number;
  /** Zones offering it; absent = every zone of the provider. */
  zones?: string[];
}

export interface BxImageSeed {
  provider: BxProvider;
  id: string;
  osType: 'linux' | 'windows';
  osName: string;
  /** Regions holding it; absent = every region of the provider (custom images are regional). */
  regions?: string[];
}

export interface BxCatalogSeed {
  regions: BxRegionSeed[];
  instanceTypes: BxInstanceTypeSeed[];
  images: BxImageSeed[];
}

export interface BxRuleSeed {
  protocol: 'tcp' | 'udp' | 'icmp' | 'gre' | 'all';
  /** -1/-1 for protocols without ports. */
  portFrom: number;
  portTo: number;
  direction: 'ingress' | 'egress';
  groupId?: string;
  cidrIp?: string;
}

/** A VPC with its switches and groups, in the cloud and (when `synced`) in BridgX's own records. */
export interface BxNetworkSeed {
  org: string;
  account: string;
  region: string;
  /** false: the objects exist only in the cloud until a `network_config/sync` of the region (A20). */
  synced: boolean;
  vpc: { id: string; name: string; cidr: string };
  subnets: Array<{ id: string; name: string; zone: string; cidr: string; isDefault?: boolean }>;
  securityGroups: Array<{ id: string; name: string; type: 'normal' | 'enterprise'; rules: BxRuleSeed[] }>;
}

/** The demo organization. Requests without a token act for it (the token is optional, A1). */
export const DEMO_ORG = { id: '1', name: 'cloudplane-demo' } as const;
/** Bearer token of the demo organization: send `Authorization: Bearer bridgx-demo-token`. */
export const DEMO_TOKEN = 'bridgx-demo-token';
/** The user a token call is made as (`create_by` of a cluster made with the token). */
export const DEMO_USER = 'demo';
/** The demo AlibabaCloud account: pass `ak` as `account_key` / `ak` / `account`. */
export const DEMO_ACCOUNT: BxAccountSeed = {
  ak: 'LTAI5tBridgxSimDemo0001Q',
  provider: 'AlibabaCloud',
  name: 'demo-aliyun',
};
/** A second account of the demo organization, on TencentCloud, with no network. */
export const DEMO_TENCENT_ACCOUNT: BxAccountSeed = {
  ak: 'AKIDcAWeW8BridgxSimDemo2',
  provider: 'TencentCloud',
  name: 'demo-tencent',
};
export const DEMO_REGION = 'cn-qingdao';
export const DEMO_ZONE = 'cn-qingdao-b';
export const DEMO_INSTANCE_TYPE = 'ecs.n1.tiny';
export const DEMO_IMAGE = 'centos_7_6_x64_20G_alibase_20211030.vhd';

/** The demo account's network in cn-qingdao, already known to BridgX (listed without a sync). */
export const DEMO_NETWORK = {
  vpcId: 'vpc-m5e7demo0bridgxsim1qa',
  vpcName: 'demo-vpc',
  vpcCidr: '172.16.0.0/12',
  subnetId: 'vsw-m5e7demo0bridgxsim1sw',
  subnetName: 'demo-switch-b',
  subnetCidr: '172.16.0.0/24',
  zoneId: DEMO_ZONE,
  securityGroupId: 'sg-m5e7demo0bridgxsim1s',
  securityGroupName: 'demo-sg',
} as const;

/**
 * A network that exists in the demo account's cloud but not yet in BridgX: the describes list
 * it only after `POST /api/v1/network_config/sync` for AlibabaCloud / cn-qingdao / the demo AK.
 */
export const DEMO_CLOUD_ONLY_NETWORK = {
  vpcId: 'vpc-m5e7demo0bridgxsim2qa',
  vpcName: 'console-vpc',
  vpcCidr: '192.168.0.0/16',
  subnetId: 'vsw-m5e7demo0bridgxsim2sw',
  subnetName: 'console-switch-c',
  subnetCidr: '192.168.1.0/24',
  zoneId: 'cn-qingdao-c',
  securityGroupId: 'sg-m5e7demo0bridgxsim2s',
  securityGroupName: 'console-sg',
} as const;

/**
 * A `POST /api/v1/cluster/create` body that works on the seeded demo account, minus `name` and
 * `password` (8–30 characters with three of: upper case, lower case, digits, symbols; A25).
 */
export const DEMO_CLUSTER_SPEC = {
  provider: DEMO_ACCOUNT.provider,
  account_key: DEMO_ACCOUNT.ak,
  region_id: DEMO_REGION,
  zone_id: DEMO_ZONE,
  instance_type: DEMO_INSTANCE_TYPE,
  image: DEMO_IMAGE,
  network_config: {
    vpc: DEMO_NETWORK.vpcId,
    subnet_id: DEMO_NETWORK.subnetId,
    security_group: DEMO_NETWORK.securityGroupId,
  },
  charge_config: { charge_type: 'PostPaid' },
  disks: { system_disk: { category: 'cloud_efficiency', size: 40 }, data_disk: [] },
} as const;

export const DEFAULT_ORGS: BxOrgSeed[] = [
  {
    id: DEMO_ORG.id,
    name: DEMO_ORG.name,
    user: DEMO_USER,
    accounts: [DEMO_ACCOUNT, DEMO_TENCENT_ACCOUNT],
    tokens: [DEMO_TOKEN],
  },
];

const ALL_OPEN: BxRuleSeed[] = [
  { protocol: 'all', portFrom: -1, portTo: -1, direction: 'ingress', cidrIp: '0.0.0.0/0' },
  { protocol: 'all', portFrom: -1, portTo: -1, direction: 'egress', cidrIp: '0.0.0.0/0' },
];

export const DEFAULT_NETWORKS: BxNetworkSeed[] = [
  {
    org: DEMO_ORG.id,
    account: DEMO_ACCOUNT.ak,
    region: DEMO_REGION,
    synced: true,
    vpc: { id: DEMO_NETWORK.vpcId, name: DEMO_NETWORK.vpcName, cidr: DEMO_NETWORK.vpcCidr },
    subnets: [
      {
        id: DEMO_NETWORK.subnetId,
        name: DEMO_NETWORK.subnetName,
        zone: DEMO_NETWORK.zoneId,
        cidr: DEMO_NETWORK.subnetCidr,
        isDefault: true,
      },
    ],
    securityGroups: [
      {
        id: DEMO_NETWORK.securityGroupId,
        name: DEMO_NETWORK.securityGroupName,
        type: 'normal',
        rules: [
          { protocol: 'tcp', portFrom: 22, portTo: 22, direction: 'ingress', cidrIp: '0.0.0.0/0' },
          { protocol: 'icmp', portFrom: -1, portTo: -1, direction: 'ingress', cidrIp: '0.0.0.0/0' },
          { protocol: 'all', portFrom: -1, portTo: -1, direction: 'egress', cidrIp: '0.0.0.0/0' },
        ],
      },
    ],
  },
  {
    org: DEMO_ORG.id,
    account: DEMO_ACCOUNT.ak,
    region: DEMO_REGION,
    synced: false,
    vpc: {
      id: DEMO_CLOUD_ONLY_NETWORK.vpcId,
      name: DEMO_CLOUD_ONLY_NETWORK.vpcName,
      cidr: DEMO_CLOUD_ONLY_NETWORK.vpcCidr,
    },
    subnets: [
      {
        id: DEMO_CLOUD_ONLY_NETWORK.subnetId,
        name: DEMO_CLOUD_ONLY_NETWORK.subnetName,
        zone: DEMO_CLOUD_ONLY_NETWORK.zoneId,
        cidr: DEMO_CLOUD_ONLY_NETWORK.subnetCidr,
      },
    ],
    securityGroups: [
      {
        id: DEMO_CLOUD_ONLY_NETWORK.securityGroupId,
        name: DEMO_CLOUD_ONLY_NETWORK.securityGroupName,
        type: 'enterprise',
        rules: ALL_OPEN,
      },
    ],
  },
];

export const DEFAULT_CATALOG: BxCatalogSeed = {
  regions: [
    {
      provider: 'AlibabaCloud',
      id: 'cn-qingdao',
      localName: '华北 1',
      zones: [
        { id: 'cn-qingdao-b', localName: '华北 1 可用区 B' },
        { id: 'cn-qingdao-c', localName: '华北 1 可用区 C' },
      ],
    },
    {
      provider: 'AlibabaCloud',
      id: 'cn-beijing',
      localName: '华北 2',
      zones: [
        { id: 'cn-beijing-g', localName: '华北 2 可用区 G' },
        { id: 'cn-beijing-h', localName: '华北 2 可用区 H' },
      ],
    },
    {
      provider: 'AlibabaCloud',
      id: 'cn-hangzhou',
      localName: '华东 1',
      zones: [
        { id: 'cn-hangzhou-g', localName: '华东 1 可用区 G' },
        { id: 'cn-hangzhou-h', localName: '华东 1 可用区 H' },
      ],
    },
    {
      provider: 'HuaweiCloud',
      id: 'cn-north-4',
      localName: '华北-北京四',
      zones: [
        { id: 'cn-north-4a', localName: '可用区1' },
        { id: 'cn-north-4b', localName: '可用区2' },
      ],
    },
    {
      provider: 'TencentCloud',
      id: 'ap-guangzhou',
      localName: '华南地区(广州)',
      zones: [
        { id: 'ap-guangzhou-3', localName: '广州三区' },
        { id: 'ap-guangzhou-4', localName: '广州四区' },
      ],
    },
    { provider: 'BaiduCloud', id: 'bj', localName: '华北-北京', zones: [{ id: 'cn-bj-a', localName: '可用区A' }] },
    {
      provider: 'AWSCloud',
      id: 'us-east-1',
      localName: 'US East (N. Virginia)',
      zones: [
        { id: 'us-east-1a', localName: 'us-east-1a' },
        { id: 'us-east-1b', localName: 'us-east-1b' },
      ],
    },
  ],
  instanceTypes: [
    { provider: 'AlibabaCloud', family: 'ecs.n1', type: 'ecs.n1.tiny', core: 1, memory: 1 },
    { provider: 'AlibabaCloud', family: 'ecs.s6', type: 'ecs.s6-c1m1.small', core: 1, memory: 1 },
    { provider: 'AlibabaCloud', family: 'ecs.g6', type: 'ecs.g6.large', core: 2, memory: 8 },
    { provider: 'AlibabaCloud', family: 'ecs.e3', type: 'ecs.e3.large', core: 4, memory: 32 },
    {
      provider: 'AlibabaCloud',
      family: 'ecs.r6',
      type: 'ecs.r6.13xlarge',
      core: 52,
      memory: 384,
      zones: ['cn-beijing-h'],
    },
    { provider: 'HuaweiCloud', family: 's6', type: 's6.small.1', core: 1, memory: 1 },
    { provider: 'HuaweiCloud', family: 's6', type: 's6.large.2', core: 2, memory: 4 },
    { provider: 'TencentCloud', family: 'S5', type: 'S5.SMALL2', core: 1, memory: 2 },
    { provider: 'TencentCloud', family: 'S5', type: 'S5.MEDIUM4', core: 2, memory: 4 },
    { provider: 'BaiduCloud', family: 'bcc.g4', type: 'bcc.g4.c2m8', core: 2, memory: 8 },
    { provider: 'AWSCloud', family: 't3', type: 't3.micro', core: 2, memory: 1 },
    { provider: 'AWSCloud', family: 't3', type: 't3.large', core: 2, memory: 8 },
  ],
  images: [
    { provider: 'AlibabaCloud', id: DEMO_IMAGE, osType: 'linux', osName: 'CentOS  7.6 64位' },
    {
      provider: 'AlibabaCloud',
      id: 'ubuntu_20_04_x64_20G_alibase_20211123.vhd',
      osType: 'linux',
      osName: 'Ubuntu  20.04 64位',
    },
    {
      provider: 'AlibabaCloud',
      id: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20211116.vhd',
      osType: 'windows',
      osName: 'Windows Server  2019 数据中心版 64位中文版',
    },
    // A custom image lives in the region it was made in (the document's `m-…` example is cn-beijing).
    {
      provider: 'AlibabaCloud',
      id: 'm-2ze14bof6m3aadve22aq',
      osType: 'linux',
      osName: 'gf-base-centos7',
      regions: ['cn-beijing'],
    },
    {
      provider: 'HuaweiCloud',
      id: '67f433d8-ed0e-4321-a8a2-a71838539e09',
      osType: 'linux',
      osName: 'CentOS 7.6 64bit',
    },
    { provider: 'TencentCloud', id: 'img-9qabwvbn', osType: 'linux', osName: 'CentOS 7.6 64位' },
    { provider: 'BaiduCloud', id: 'm-Nlv9C0tF', osType: 'linux', osName: 'CentOS 7.6 x86_64 (64bit)' },
    { provider: 'AWSCloud', id: 'ami-0c02fb55956c7d316', osType: 'linux', osName: 'Amazon Linux 2 AMI (HVM)' },
  ],
};
