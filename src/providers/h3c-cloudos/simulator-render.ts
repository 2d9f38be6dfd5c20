/**
 * Wire shapes of the H3C CloudOS simulator's answers, copied from the document's examples
 * (server object L6545ff, flavor L20990ff, Glance image L341ff, AZ L4523ff).
 */
import type { CatalogRecord, SimInstance } from '../../sim/index.ts';
import type { H3cFlavorSeed, H3cImageSeed, H3cZoneSeed } from './simulator-seed.ts';
import { powerStateOf, statusOf, taskStateOf, vmStateOf } from './simulator-status.ts';

/** Stored beside a simulated server (engine `attrs`). */
export interface H3cServerAttrs {
  imageRef: string | null;
  flavorRef: string;
  availabilityZone: string;
  zoneName: string;
  metadata: Record<string, string>;
  keyName: string | null;
  adminPass: string;
  securityGroups: string[];
  addresses: Record<string, Array<{ addr: string; mac: string }>>;
  host: string;
  hypervisorHostname: string;
  instanceName: string;
  hostId: string;
  userId: string;
  configDrive: boolean;
  rebootType?: 'SOFT' | 'HARD';
  /** The fault text a server in ERROR shows (control API `attrs`); Nova's scheduler message otherwise. */
  faultMessage?: string;
}

// A3: links point at an internal Nova address, as in the document; clients must not follow them.
export const INTERNAL_NOVA = 'http://172.25.80.30:9000';

export function link(rel: 'self' | 'bookmark', path: string): { href: string; rel: string } {
  return { href: `${INTERNAL_NOVA}${rel === 'self' ? '/v2' : ''}${path}`, rel };
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** What a server seeded through the control API with few or no attributes is rendered with. */
const SEEDED_DEFAULTS: H3cServerAttrs = {
  imageRef: null,
  flavorRef: 'seeded',
  availabilityZone: 'nova',
  zoneName: 'nova',
  metadata: {},
  keyName: null,
  adminPass: '',
  securityGroups: ['default'],
  addresses: {},
  host: 'cvk-seeded',
  hypervisorHostname: 'cvk-seeded',
  instanceName: 'instance-seeded',
  hostId: '',
  userId: '',
  configDrive: false,
};

export function serverAttrs(inst: SimInstance): H3cServerAttrs {
  return { ...SEEDED_DEFAULTS, ...(inst.attrs as Partial<H3cServerAttrs>) };
}

export function renderServerBrief(inst: SimInstance) {
  return {
    id: inst.id,
    name: inst.name,
    links: [link('self', `/${inst.tenant}/servers/${inst.id}`), link('bookmark', `/${inst.tenant}/servers/${inst.id}`)],
  };
}

export function renderServer(inst: SimInstance) {
  const a = serverAttrs(inst);
  const status = statusOf(inst);
  const launched = inst.state === 'creating' || status === 'BUILD' ? null : isoSeconds(inst.createdAt);
  return {
    id: inst.id,
    name: inst.name,
    status,
    // A5: `created` is epoch milliseconds (a number), as in the document's example.
    created: inst.createdAt,
    updated: isoSeconds(inst.updatedAt),
    addresses: Object.fromEntries(
      Object.entries(a.addresses).map(([net, ips]) => [
        net,
        ips.map((ip) => ({ addr: ip.addr, version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': ip.mac })),
      ]),
    ),
    hostId: a.hostId,
    flavor: { id: a.flavorRef, links: [link('bookmark', `/${inst.tenant}/flavors/${a.flavorRef}`)] },
    image: a.imageRef ? { id: a.imageRef, links: [link('bookmark', `/${inst.tenant}/images/${a.imageRef}`)] } : '',
    user_id: a.userId,
    metadata: a.metadata,
    tenant_id: inst.tenant,
    'OS-EXT-AZ:availability_zone': a.zoneName,
    'OS-EXT-SRV-ATTR:host': a.host,
    'OS-EXT-SRV-ATTR:hypervisor_hostname': a.hypervisorHostname,
    'OS-EXT-SRV-ATTR:instance_name': a.instanceName,
    links: renderServerBrief(inst).links,
    'OS-EXT-STS:vm_state': vmStateOf(status),
    'OS-EXT-STS:power_state': powerStateOf(status),
    'OS-EXT-STS:task_state': taskStateOf(inst),
    'OS-SRV-USG:launched_at': launched,
    'OS-SRV-USG:terminated_at': null,
    'OS-DCF:diskConfig': 'MANUAL',
    accessIPv4: '',
    accessIPv6: '',
    config_drive: a.configDrive,
    key_name: a.keyName,
    security_groups: a.securityGroups.map((name) => ({ name })),
    'os-extended-volumes:volumes_attached': [],
    adminPass: a.adminPass,
    // Nova explains a server in ERROR with a fault record; the control API may set its message.
    ...(status === 'ERROR'
      ? { fault: { code: 500, message: a.faultMessage ?? DEFAULT_FAULT_MESSAGE, created: isoSeconds(inst.updatedAt) } }
      : {}),
  };
}

/** Nova's usual words when the scheduler could place a server nowhere. */
const DEFAULT_FAULT_MESSAGE = 'No valid host was found. There are not enough hosts available.';

export function renderFlavorBrief(rec: CatalogRecord, tenant: string) {
  return {
    links: [link('self', `/${tenant}/flavors/${rec.id}`), link('bookmark', `/${tenant}/flavors/${rec.id}`)],
    id: rec.id,
    name: rec.name,
  };
}

// A6: flavor numbers are strings and swap is "", as in the document's examples (L20990).
export function renderFlavor(rec: CatalogRecord, tenant: string) {
  const f = rec.attrs as unknown as H3cFlavorSeed;
  return {
    ...renderFlavorBrief(rec, tenant),
    ram: String(f.ramMb),
    vcpus: String(f.vcpus),
    disk: String(f.diskGb),
    swap: '',
    'OS-FLV-DISABLED:disabled': false,
    'os-flavor-access:is_public': true,
    rxtx_factor: '1.0',
    'OS-FLV-EXT-DATA:ephemeral': '0',
  };
}

export function renderImage(rec: CatalogRecord, ownerFallback: string) {
  const i = rec.attrs as unknown as H3cImageSeed;
  const created = new Date(rec.createdAt).toISOString();
  return {
    id: rec.id,
    name: rec.name,
    status: 'active',
    size: i.sizeBytes,
    visibility: i.visibility ?? 'public',
    description: '',
    disk_format: i.diskFormat,
    container_format: 'bare',
    virt_type: i.virtType,
    min_cpu: '1',
    min_ram: 1,
    min_disk: i.minDisk,
    user_name: 'admin',
    owner: i.owner ?? ownerFallback,
    checksum: rec.id.replace(/-/g, ''),
    cas_ostype: i.casOstype,
    hw_vif_model: 'virtio',
    disk_bus: 'virtio',
    'os-region-name': '',
    created_at: created,
    updated_at: created,
    file: `/v2/images/${rec.id}/file`,
    self: `/v2/images/${rec.id}`,
    schema: '/v2/schemas/image',
    tags: [],
    virtual_size: null,
    protected: false,
  };
}

export function renderZone(rec: CatalogRecord) {
  const z = rec.attrs as unknown as H3cZoneSeed;
  return {
    id: rec.id,
    labelName: z.labelName,
    description: z.description ?? '',
    zone: z.zone,
    virtType: z.virtType,
    resourceType: z.resourceType ?? 'nova',
    deleted: 0,
  };
}
