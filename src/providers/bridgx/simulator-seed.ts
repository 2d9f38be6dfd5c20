/**
 * Seed data of the BridgX simulator: the organization, its cloud accounts and token, and the
 * demo account's network (each provider's catalog is in simulator-seed-catalog.ts). Ids follow
 * the document's Alibaba shapes (`vpc-…`, `vsw-…`, `sg-…`, `LTAI…`).
 */
import { type BxProvider, DEMO_IMAGE } from './simulator-seed-catalog.ts';

export {
  BX_PROVIDERS,
  DEFAULT_CATALOG,
  type BxCatalogSeed,
  type BxImageSeed,
  type BxInstanceTypeSeed,
  type BxProvider,
  type BxRegionSeed,
  type BxZoneSeed,
} from './simulator-seed-catalog.ts';

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
export { DEMO_IMAGE };

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
