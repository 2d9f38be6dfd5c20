/**
 * What the Inspur ECS simulator starts with, with fixed ids so tests and the demo account can
 * name them: one tenant and its bearer token, the region and zone, one VPC and subnet, the
 * flavors, public and private images, and three servers (the platform cannot create servers,
 * so a demo needs some). Values are shaped like the document's examples, not copied from them.
 */
import type { NeutralState } from '../../sim/index.ts';

/** A project (tenant) and the console user its token stands for. */
export interface InspurTenant {
  id: string;
  name: string;
  /** Rendered as `keyCloakUserId` / `keyCloakUserName` in server details. */
  userId: string;
  userName: string;
}

export interface InspurFlavor {
  name: string;
  vcpus: number;
  /** A25: gigabytes, as the wrapper reports it. */
  ramGb: number;
  diskGb: number;
}

export interface InspurImageSeed {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  /** Owning tenant of a private image (default: the demo tenant). */
  owner?: string;
  system: string;
  systemType: string;
  diskFormat: 'qcow2' | 'raw';
  sizeBytes: number;
  minDisk: number;
  tags: string[];
  description?: string;
  protected?: boolean;
  /** Server the image was made from. */
  instanceUuid?: string;
}

export interface InspurServerSeed {
  id?: string;
  name: string;
  /** Tenant id; default the first tenant. */
  tenant?: string;
  /** Engine state; default running. */
  state?: NeutralState;
  /** A documented platform status forced on top (e.g. `ERROR`, `STOPPED`, `PAUSED`). */
  status?: string;
  /** Flavor name from DEMO_FLAVORS; default the first. */
  flavor?: string;
  /** Image id; default the first public image. */
  imageId?: string;
  tags?: string[];
  /** Private IP; default one from the subnet. */
  fixedIp?: string;
  /** false: the server has no elastic IP (`eip: null`). */
  eip?: boolean;
  /** false: the server has no billing information (`feeData: null`; stop answers 101.001014). */
  billed?: boolean;
}

/** The demo tenant: its `id` is the `tenant_id` of everything seeded. */
export const DEMO_TENANT: InspurTenant = {
  id: '5f0c2a7e94b14d2c8e61a3b9d07f4c15',
  name: 'cloudplane-demo',
  userId: 'c3a1e8f2-6b4d-4f0a-9e7c-2d5b8a1f6e30',
  userName: 'demo-operator',
};

/** Bearer token of the demo tenant (`Authorization: Bearer <DEMO_TOKEN>`). A test value, not a secret. */
export const DEMO_TOKEN = 'inspur-demo-token';

/** Region of every seeded server (`regionID`); the document has no region API. */
export const DEMO_REGION = 'cn-north-3';
/** The only availability zone (Nova's default name). */
export const DEMO_ZONE = 'nova';

/** VPC of every seeded server (`vpcid`, `vpcname`); the document has no network API. */
export const DEMO_VPC = { id: '8e3f1c2a-4b5d-4e6f-9a7b-0c1d2e3f4a5b', name: 'demo-vpc' } as const;
/** Subnet of every seeded server's one NIC (`nics[0]`). */
export const DEMO_SUBNET = {
  id: '2a4c6e8f-1b3d-4f5a-8c7e-9d0f1a2b3c4d',
  name: 'demo-subnet',
  cidr: '10.20.30.0/24',
  /** Neutron network the subnet belongs to (`nics[].network_id`). */
  networkId: '6b8d0f2a-3c5e-4a7b-9d1f-2e4a6c8e0b1d',
  /** Private IPs of seeded servers are `<prefix>.<n>`. */
  prefix: '10.20.30',
} as const;
/** The security group (by name, as servers list them) of every seeded server. */
export const DEMO_SECURITY_GROUP = 'default';

/** Flavors a server may carry (`flavor.original_name`); there is no flavor API, so this is the whole list. */
export const DEMO_FLAVORS: readonly InspurFlavor[] = [
  { name: 's1.small.1', vcpus: 1, ramGb: 1, diskGb: 40 },
  { name: 's1.medium.2', vcpus: 2, ramGb: 4, diskGb: 50 },
  { name: 's1.large.2', vcpus: 4, ramGb: 8, diskGb: 50 },
  { name: 's1.xlarge.2', vcpus: 8, ramGb: 16, diskGb: 100 },
];

/**
 * Seeded images: three public ones (every tenant sees them; they cannot be deleted or modified)
 * and `demo-golden`, the demo tenant's private image tagged `ECS` (listed by
 * `GET /v1/images/private?tag=ECS`). Seeded servers boot from the first public one.
 */
export const DEMO_IMAGES: readonly InspurImageSeed[] = [
  {
    id: 'a1c3e5f7-2b4d-4c6e-8f0a-1b3d5f7a9c2e',
    name: 'centos7.9-x86_64',
    visibility: 'public',
    system: 'centos7.9',
    systemType: 'linux',
    diskFormat: 'qcow2',
    sizeBytes: 1_073_741_824,
    minDisk: 40,
    tags: ['centos', 'ECS'],
    description: 'CentOS 7.9 base image',
  },
  {
    id: 'b2d4f6a8-3c5e-4d7f-9a1b-2c4e6a8b0d3f',
    name: 'ubuntu20.04-x86_64',
    visibility: 'public',
    system: 'ubuntu20.04',
    systemType: 'linux',
    diskFormat: 'qcow2',
    sizeBytes: 2_147_483_648,
    minDisk: 40,
    tags: ['ubuntu', 'ECS'],
    description: 'Ubuntu 20.04 base image',
  },
  {
    id: 'c3e5a7b9-4d6f-4e8a-8b2c-3d5f7b9c1e4a',
    name: 'winserver2019-x86_64',
    visibility: 'public',
    system: 'windows2019',
    systemType: 'windows',
    diskFormat: 'raw',
    sizeBytes: 10_737_418_240,
    minDisk: 50,
    tags: ['windows', 'ECS'],
    description: 'Windows Server 2019 base image',
  },
  {
    id: 'd4f6b8c0-5e7a-4f9b-9c3d-4e6a8c0d2f5b',
    name: 'demo-golden',
    visibility: 'private',
    system: 'centos7.9',
    systemType: 'linux',
    diskFormat: 'raw',
    sizeBytes: 1_073_741_824,
    minDisk: 40,
    tags: ['SYSTEMDISK_1', 'centos7.9', 'ECS'],
    description: 'private image of the demo tenant',
    instanceUuid: 'e5a7c9d1-6f8b-4a0c-8d4e-5f7b9d1e3a6c',
  },
];

/** The seeded servers: two running, one shut off. */
export const DEMO_SERVERS: readonly InspurServerSeed[] = [
  { id: 'e5a7c9d1-6f8b-4a0c-8d4e-5f7b9d1e3a6c', name: 'demo-web-1', flavor: 's1.medium.2', tags: ['ECS', 'web'] },
  { id: 'f6b8d0e2-7a9c-4b1d-9e5f-6a8c0e2f4b7d', name: 'demo-web-2', flavor: 's1.medium.2', tags: ['ECS', 'web'] },
  {
    id: '0a9c1e3f-8b0d-4c2e-8f6a-7b9d1f3a5c8e',
    name: 'demo-db-1',
    flavor: 's1.large.2',
    state: 'stopped',
    eip: false,
    tags: ['ECS'],
  },
];

/**
 * Transition delays that make a demo or a contract test quick: pass as
 * `createInspurEcsSimulator({ config: { delays: DEMO_FAST_DELAYS } })`. The image keys are this
 * simulator's own (queued → saving → active, pending_delete → gone).
 */
export const DEMO_FAST_DELAYS = {
  bootMs: 300,
  startMs: 150,
  stopMs: 150,
  rebootMs: 150,
  deleteMs: 150,
  imageQueueMs: 50,
  imageSaveMs: 150,
  imageDeleteMs: 100,
} as const;

/** Defaults of the simulator's own delays when the config does not name them. */
export const DEFAULT_IMAGE_DELAYS = { imageQueueMs: 500, imageSaveMs: 3000, imageDeleteMs: 1000 } as const;
