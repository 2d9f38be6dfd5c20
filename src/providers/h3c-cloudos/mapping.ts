/**
 * Wire → unified records for H3C CloudOS, and the tag ↔ metadata rule. Pure functions: the
 * adapter fetches, these translate.
 */
import type { Image, InstanceType, Zone } from '../../domain/catalog.ts';
import type { MachineFault, ProviderInstance, StatusMap, Tags } from '../../domain/instance.ts';
import { platformText } from '../contract.ts';
import { toStatus } from './statuses.ts';
import { parseH3cTime, type WireFlavor, type WireImage, type WireServer, type WireZone } from './wire.ts';

/**
 * Metadata keys SV-2 documents as H3C control fields. Tags live beside them in the same
 * `metadata` (A11), so a tag may not take one of these names, and reading tags back leaves
 * them out.
 */
export const CONTROL_METADATA_KEYS: ReadonlySet<string> = new Set([
  'user_name',
  'alias',
  'description',
  'zone_uuid',
  'cvk',
  'enableAdminPass',
  'storageTypeId',
  'location',
  'h3c_extend_api',
]);

/** Nova metadata values are at most 255 characters (the unified model allows 256). */
export const MAX_METADATA_VALUE = 255;

/** Fields of a server record that hold a secret and never leave the adapter. */
const SECRET_FIELDS = ['adminPass'];

export function tagsOf(metadata: Record<string, unknown> | null | undefined): Tags {
  const tags: Tags = {};
  for (const [k, v] of Object.entries(metadata ?? {}))
    if (!CONTROL_METADATA_KEYS.has(k) && typeof v === 'string' && k.length <= 128) tags[k] = v;
  return tags;
}

function ips(server: WireServer): { privateIps: string[]; publicIps: string[] } {
  const privateIps: string[] = [];
  const publicIps: string[] = [];
  for (const list of Object.values(server.addresses ?? {}))
    for (const a of list) (a['OS-EXT-IPS:type'] === 'floating' ? publicIps : privateIps).push(a.addr);
  return { privateIps, publicIps };
}

/** Nova's fault text, cleaned like any platform text; only a message makes one. */
function faultOf(server: WireServer): { fault?: MachineFault } {
  const message = platformText(server.fault?.message);
  if (!message) return {};
  const code = server.fault?.code;
  return { fault: { code: code === undefined || code === null ? null : String(code), message } };
}

export function toInstance(server: WireServer, statusMap: StatusMap | undefined): ProviderInstance {
  const { status, statusRaw } = toStatus(server.status, server['OS-EXT-STS:task_state'], statusMap);
  const zoneId = server.metadata?.zone_uuid;
  const providerData: Record<string, unknown> = { ...server };
  for (const f of SECRET_FIELDS) delete providerData[f];
  return {
    providerId: server.id,
    name: server.name ?? null,
    status,
    statusRaw,
    // No region API (part 1 §7): one CloudOS endpoint is one region, so none is named.
    region: null,
    // Zone ids are AZ ids (AZ-1 `id`), which the server keeps in metadata.zone_uuid.
    zone: typeof zoneId === 'string' ? zoneId : (server['OS-EXT-AZ:availability_zone'] ?? null),
    instanceType: server.flavor?.id ?? null,
    image: server.image && typeof server.image === 'object' ? server.image.id : null,
    ...ips(server),
    tags: tagsOf(server.metadata),
    launchedAt: parseH3cTime(server.created ?? server['OS-SRV-USG:launched_at']),
    providerData,
    ...faultOf(server),
  };
}

export function toZone(z: WireZone): Zone {
  return {
    id: z.id,
    name: z.labelName || z.zone,
    region: null,
    available: !z.deleted,
  };
}

export function toInstanceType(f: WireFlavor): InstanceType {
  return {
    id: f.id,
    name: f.name,
    vcpus: Math.trunc(f.vcpus),
    memoryMiB: Math.trunc(f.ram),
    diskGiB: f.disk,
    zones: null,
  };
}

const VISIBILITIES = new Set(['public', 'private', 'shared']);

export function toImage(i: WireImage): Image {
  const visibility = i.visibility && VISIBILITIES.has(i.visibility) ? i.visibility : 'unknown';
  return {
    id: i.id,
    name: i.name ?? i.id,
    os: i.cas_ostype ?? i.vmware_ostype ?? null,
    status: i.status ?? null,
    minDiskGiB: i.min_disk ?? null,
    visibility: visibility as Image['visibility'],
  };
}
