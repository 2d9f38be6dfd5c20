/**
 * Server fields of the Inspur ECS simulator (catalog §4.0): what a server stores beside the
 * engine's neutral fields, the defaults a server seeded with few attributes gets, and its wire
 * shape in lists and in the detail view.
 */
import { z } from 'zod';
import { createRandom, deriveSeed, type SimInstance } from '../../sim/index.ts';
import type { InspurContext } from './simulator-context.ts';
import { imageById } from './simulator-image-store.ts';
import {
  DEMO_FLAVORS,
  DEMO_IMAGES,
  DEMO_REGION,
  DEMO_SECURITY_GROUP,
  DEMO_SUBNET,
  DEMO_VPC,
  DEMO_ZONE,
} from './simulator-seed.ts';
import { statusOf, taskStateOf } from './simulator-status.ts';

const Eip = z.object({
  eipid: z.string(),
  iptype: z.string(),
  bandwidth: z.number(),
  chargemode: z.string(),
  ip_addr: z.string(),
});
const FeeData = z.object({
  chargetype: z.string(),
  purchasetime: z.string().optional(),
  startFeeTime: z.string(),
  nextFeeTime: z.string(),
});
const DataVolume = z.object({ volumetype: z.string(), volumeid: z.string(), volumename: z.string(), size: z.number() });

/** Platform fields a server keeps in `attrs`; every one may be absent and then takes its default. */
export const ServerAttrs = z.object({
  regionId: z.string(),
  zone: z.string(),
  flavor: z.string(),
  imageId: z.string(),
  rootVolumeType: z.string(),
  dataVolumes: z.array(DataVolume),
  securityGroups: z.array(z.string()),
  vpcId: z.string(),
  vpcName: z.string(),
  subnetId: z.string(),
  subnetName: z.string(),
  subnetCidr: z.string(),
  networkId: z.string(),
  fixedIp: z.string(),
  mac: z.string(),
  portId: z.string(),
  eip: Eip.nullable(),
  keyName: z.string().nullable(),
  feeData: FeeData.nullable(),
  hostId: z.string(),
  host: z.string(),
  /** The server's own tags (ops 10, 11), not its image's. */
  tags: z.array(z.string()),
  rebootType: z.enum(['SOFT', 'HARD']),
});
export type ServerAttrs = z.infer<typeof ServerAttrs>;

/** An id-like value derived from the server id, so a server renders the same on every read. */
function derived(id: string, salt: string): ReturnType<typeof createRandom> {
  return createRandom(deriveSeed(deriveSeed(0, id), salt));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A26: server `created`, ISO-8601 UTC to the second. */
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** A26: `feeData` times, `YYYY-MM-DD HH:mm:ss` in China Standard Time (UTC+8). */
export function chinaTime(ms: number): string {
  const d = new Date(ms + 8 * 3_600_000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

const MONTH_MS = 30 * 24 * 3_600_000;

export function defaultAttrs(inst: SimInstance): ServerAttrs {
  const r = derived(inst.id, 'server');
  const n = inst.seq;
  return {
    regionId: DEMO_REGION,
    zone: DEMO_ZONE,
    flavor: DEMO_FLAVORS[0]?.name ?? 's1.small.1',
    imageId: DEMO_IMAGES[0]?.id ?? '',
    rootVolumeType: 'SATA',
    dataVolumes: [],
    securityGroups: [DEMO_SECURITY_GROUP],
    vpcId: DEMO_VPC.id,
    vpcName: DEMO_VPC.name,
    subnetId: DEMO_SUBNET.id,
    subnetName: DEMO_SUBNET.name,
    subnetCidr: DEMO_SUBNET.cidr,
    networkId: DEMO_SUBNET.networkId,
    fixedIp: `${DEMO_SUBNET.prefix}.${10 + (n % 240)}`,
    mac: `fa:16:3e:${r.hex(2)}:${r.hex(2)}:${r.hex(2)}`,
    portId: r.uuid(),
    eip: {
      eipid: r.uuid(),
      // A23: the example's "5 _bgp" with its stray space dropped.
      iptype: '5_bgp',
      bandwidth: 10,
      chargemode: 'Bandwidth',
      ip_addr: `100.64.${(n >> 8) & 255}.${n & 255}`,
    },
    keyName: 'demo-keypair',
    feeData: {
      chargetype: 'monthly',
      startFeeTime: chinaTime(inst.createdAt),
      nextFeeTime: chinaTime(inst.createdAt + MONTH_MS),
    },
    hostId: r.hex(24),
    host: `compute-${String(1 + (n % 8)).padStart(2, '0')}`,
    tags: Object.entries(inst.tags).map(([k, v]) => (v ? `${k}=${v}` : k)),
    rebootType: 'SOFT',
  };
}

/** The server's platform fields: its stored attributes over the defaults (a malformed one is ignored). */
export function serverAttrs(inst: SimInstance): ServerAttrs {
  const base = defaultAttrs(inst);
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(inst.attrs)) {
    const field = ServerAttrs.shape[key as keyof ServerAttrs];
    if (field?.safeParse(value).success) own[key] = value;
  }
  return { ...base, ...own } as ServerAttrs;
}

export function renderStatus(ctx: InspurContext, inst: SimInstance): string {
  const s = statusOf(inst);
  return ctx.statusCase === 'lower' ? s.toLowerCase() : s;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** A23: the examples' spellings (`regionID`, `image.name`), one `systemType`, every table field. */
export function renderServer(ctx: InspurContext, inst: SimInstance, view: 'list' | 'detail'): Record<string, unknown> {
  const a = serverAttrs(inst);
  const flavor = DEMO_FLAVORS.find((f) => f.name === a.flavor) ?? { name: a.flavor, vcpus: 1, ramGb: 1, diskGb: 40 };
  const image = imageById(ctx.engine, a.imageId);
  const out: Record<string, unknown> = {
    regionID: a.regionId,
    availability_zone: a.zone,
    name: inst.name,
    id: inst.id,
    status: renderStatus(ctx, inst),
    task_state: taskStateOf(inst),
    image: {
      id: a.imageId,
      name: image?.name ?? '',
      systemType: capitalise(image?.attrs.systemType ?? 'linux'),
      tags: image?.attrs.tags ?? [],
    },
    root_volume: { volumetype: a.rootVolumeType, size: flavor.diskGb },
    data_volumes: a.dataVolumes,
    flavor: {
      disk: flavor.diskGb,
      ephemeral: 0,
      extra_specs: { 'hw:cpu_policy': 'shared' },
      original_name: flavor.name,
      ram: flavor.ramGb,
      swap: 0,
      vcpus: flavor.vcpus,
    },
    security_groups: a.securityGroups.map((name) => ({ name })),
    vpcid: a.vpcId,
    vpcname: a.vpcName,
    hostId: a.hostId,
    host: a.host,
    nics: [
      {
        subnet_id: a.subnetId,
        subnet_name: a.subnetName,
        subnet_cidr: a.subnetCidr,
        network_id: a.networkId,
        mac_address: a.mac,
        fixed_ip: a.fixedIp,
        portid: a.portId,
      },
    ],
    // A24: a server without an elastic IP or billing information says null.
    eip: a.eip,
    key_name: a.keyName,
    feeData: a.feeData,
    created: isoSeconds(inst.createdAt),
  };
  if (view === 'detail') {
    const tenant = ctx.tenants.find((t) => t.id === inst.tenant);
    out.keyCloakUserId = tenant?.userId ?? null;
    out.keyCloakUserName = tenant?.userName ?? null;
  }
  return out;
}
