/**
 * The catalog each provider is seeded with: regions and zones (Chinese display names, as the
 * platform's are), instance types per zone and images per region.
 */
export const BX_PROVIDERS = ['AlibabaCloud', 'HuaweiCloud', 'TencentCloud', 'BaiduCloud', 'AWSCloud'] as const;
export type BxProvider = (typeof BX_PROVIDERS)[number];

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

export const DEMO_IMAGE = 'centos_7_6_x64_20G_alibase_20211030.vhd';

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
