/**
 * Wire → unified records for Inspur ECS, and the tag rule (A50). Pure functions: the adapter
 * fetches, these translate.
 */
import type { Image } from '../../domain/catalog.ts';
import type { ProviderInstance, StatusMap, Tags } from '../../domain/instance.ts';
import { toStatus } from './statuses.ts';
import { parseInspurTime, type WireImage, type WireServer } from './wire.ts';

/**
 * Fields that would hold a secret. The document returns none in a server record; they are
 * dropped anyway, because a gateway in front of Nova may pass its `adminPass` through (A60).
 */
const SECRET_FIELDS = ['adminPass', 'admin_pass', 'password', 'token', 'access_token'];

const MAX_KEY = 128;
const MAX_VALUE = 256;

/**
 * Unified tags → the platform's plain tag strings (A50): `{k: v}` is `k=v`, `{k: ''}` is the
 * bare `k`. The wire joins tags with commas, so no key or value may hold one; a key may not
 * hold `=` either, or it would not read back. Returns the offending key on refusal.
 */
export function encodeTags(tags: Tags): { ok: true; tags: string[] } | { ok: false; key: string; why: string } {
  const out: string[] = [];
  for (const [key, value] of Object.entries(tags)) {
    if (key.includes(',') || value.includes(',')) return { ok: false, key, why: 'a tag may not contain ","' };
    if (key.includes('=')) return { ok: false, key, why: 'a tag key may not contain "="' };
    if (key.trim() !== key || value.trim() !== value)
      return { ok: false, key, why: 'a tag may not start or end with white space' };
    out.push(value === '' ? key : `${key}=${value}`);
  }
  return { ok: true, tags: out };
}

/** The platform's tag strings → unified tags; strings the unified model cannot hold are left out. */
export function decodeTags(list: readonly string[] | null | undefined): Tags {
  // A Map, then fromEntries: a tag named `__proto__` must become a key, not a prototype.
  const tags = new Map<string, string>();
  for (const raw of list ?? []) {
    const tag = raw.trim();
    if (!tag) continue;
    const at = tag.indexOf('=');
    const key = at < 0 ? tag : tag.slice(0, at);
    const value = at < 0 ? '' : tag.slice(at + 1);
    if (key.length >= 1 && key.length <= MAX_KEY && value.length <= MAX_VALUE) tags.set(key, value);
  }
  return Object.fromEntries(tags);
}

function publicIps(server: WireServer): string[] {
  const ip = server.eip?.ip_addr;
  return ip ? [ip] : [];
}

export function toInstance(server: WireServer, tags: Tags, statusMap: StatusMap | undefined): ProviderInstance {
  const { status, statusRaw } = toStatus(server.status, server.task_state, statusMap);
  const providerData: Record<string, unknown> = { ...server };
  for (const f of SECRET_FIELDS) delete providerData[f];
  return {
    providerId: server.id,
    name: server.name ?? null,
    status,
    statusRaw,
    // A58: both spellings occur.
    region: server.regionID ?? server.regionId ?? null,
    zone: server.availability_zone ?? null,
    // The flavor has no id in the document, only its name.
    instanceType: server.flavor?.original_name ?? null,
    image: server.image?.id ?? null,
    privateIps: (server.nics ?? []).flatMap((n) => (n.fixed_ip ? [n.fixed_ip] : [])),
    publicIps: publicIps(server),
    tags,
    launchedAt: parseInspurTime(server.created),
    providerData,
  };
}

export function toImage(i: WireImage): Image {
  const visibility = i.visibility === 'public' || i.visibility === 'private' ? i.visibility : 'unknown';
  return {
    id: i.id,
    name: i.name ?? i.id,
    os: i.system ?? i.systemType ?? null,
    status: i.status ?? null,
    minDiskGiB: i.min_disk ?? null,
    visibility,
  };
}

/** A private image report (operations), camelCase, the platform's names kept in this folder. */
export function toImageDetail(i: WireImage) {
  return {
    id: i.id,
    name: i.name ?? null,
    status: i.status ?? null,
    visibility: i.visibility ?? null,
    description: i.description ?? null,
    os: i.system ?? null,
    osType: i.systemType ?? null,
    tags: Array.isArray(i.tags) ? i.tags : i.tags ? [i.tags] : [],
    containerFormat: i.container_format ?? null,
    diskFormat: i.disk_format ?? null,
    sizeBytes: i.size ?? null,
    minDiskGiB: i.min_disk ?? null,
    minRam: i.min_ram ?? null,
    protected: typeof i.protected === 'string' ? i.protected === 'true' : (i.protected ?? null),
    createdAt: parseInspurTime(i.created_at)?.toISOString() ?? null,
    updatedAt: parseInspurTime(i.updated_at)?.toISOString() ?? null,
    sourceServerId: i.instance_uuid ?? null,
    owner: i.owner ?? null,
  };
}
