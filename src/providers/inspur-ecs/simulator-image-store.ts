/**
 * Images of the Inspur ECS simulator (catalog §4.13, §5.4), kept in the engine's catalog store:
 * public ones shared by every tenant, private ones owned by one. Like the engine's instances,
 * an image's status is computed from the clock when it is read (queued → saving → active |
 * killed; pending_delete → gone), so nothing runs while idle.
 */
import { createRandom, deriveSeed, type CatalogRecord, type SimEngine } from '../../sim/index.ts';
import { DEFAULT_IMAGE_DELAYS, DEMO_TENANT, type InspurImageSeed } from './simulator-seed.ts';

export type ImageStatus = 'queued' | 'saving' | 'active' | 'killed' | 'pending_delete';

export interface ImageAttrs {
  /** Creation order (images made at one instant still list newest first). */
  seq: number;
  visibility: 'public' | 'private';
  /** Project id shown as `owner`. */
  owner: string;
  description: string;
  system: string;
  systemType: string;
  diskFormat: string;
  sizeBytes: number;
  minDisk: number;
  tags: string[];
  protected: boolean;
  instanceUuid: string | null;
  metadata: Record<string, string>;
  updatedAt: number;
  /** Until then the image is `queued`; null once created. */
  savingAt: number | null;
  /** Until then the image is `saving`. */
  doneAt: number | null;
  outcome: 'active' | 'killed';
  /** Set by a delete: `pending_delete` until then, gone after. */
  deleteAt: number | null;
}

export interface LiveImage {
  id: string;
  name: string;
  tenant: string | null;
  createdAt: number;
  status: ImageStatus;
  attrs: ImageAttrs;
}

/** Owner project of the public images. */
export const PUBLIC_IMAGE_OWNER = '0d4e6f8a1b3c4d5e9f7a2b4c6d8e0f1a';

type ImageDelay = keyof typeof DEFAULT_IMAGE_DELAYS;

const sequences = new WeakMap<SimEngine, number>();
function nextSeq(engine: SimEngine): number {
  const n = (sequences.get(engine) ?? 0) + 1;
  sequences.set(engine, n);
  return n;
}

export function imageDelay(engine: SimEngine, key: ImageDelay): number {
  return engine.config().delays[key] ?? DEFAULT_IMAGE_DELAYS[key];
}

function statusAt(a: ImageAttrs, now: number): ImageStatus | 'gone' {
  if (a.deleteAt !== null) return a.deleteAt <= now ? 'gone' : 'pending_delete';
  if (a.savingAt !== null && now < a.savingAt) return 'queued';
  if (a.doneAt !== null && now < a.doneAt) return 'saving';
  return a.outcome;
}

function settle(engine: SimEngine, rec: CatalogRecord): LiveImage | undefined {
  const attrs = rec.attrs as unknown as ImageAttrs;
  const status = statusAt(attrs, engine.clock.now());
  if (status === 'gone') {
    engine.catalog.delete('image', rec.id, null);
    return undefined;
  }
  return { id: rec.id, name: rec.name, tenant: rec.tenant, createdAt: rec.createdAt, status, attrs };
}

/** An image the tenant may see (public, or its own private one); `null` sees every image. */
export function imageById(engine: SimEngine, id: string, tenant: string | null = null): LiveImage | undefined {
  const rec = engine.catalog.get('image', id, tenant);
  return rec ? settle(engine, rec) : undefined;
}

/** Every image the tenant may see, public ones first, then its own, each in creation order. */
export function imagesOf(engine: SimEngine, tenant: string): LiveImage[] {
  return engine.catalog
    .list('image', tenant)
    .map((rec) => settle(engine, rec))
    .filter((i): i is LiveImage => i !== undefined);
}

export function updateImage(
  engine: SimEngine,
  image: LiveImage,
  change: { name?: string; attrs?: Partial<ImageAttrs> },
): void {
  const rec = engine.catalog.get('image', image.id, null);
  if (!rec) return;
  engine.catalog.put({
    ...rec,
    name: change.name ?? rec.name,
    attrs: { ...rec.attrs, ...change.attrs, updatedAt: engine.clock.now() },
  });
}

/** A35: a delete leaves the image `pending_delete` for the configured time, then it is gone. */
export function deleteImage(engine: SimEngine, image: LiveImage): void {
  if (image.status === 'pending_delete') return;
  updateImage(engine, image, { attrs: { deleteAt: engine.clock.now() + imageDelay(engine, 'imageDeleteMs') } });
}

export function seedImages(engine: SimEngine, seeds: readonly InspurImageSeed[]): void {
  const now = engine.clock.now();
  for (const s of seeds) {
    const owner = s.visibility === 'private' ? (s.owner ?? DEMO_TENANT.id) : PUBLIC_IMAGE_OWNER;
    const attrs: ImageAttrs = {
      seq: nextSeq(engine),
      visibility: s.visibility,
      owner,
      description: s.description ?? '',
      system: s.system,
      systemType: s.systemType,
      diskFormat: s.diskFormat,
      sizeBytes: s.sizeBytes,
      minDisk: s.minDisk,
      tags: [...s.tags],
      protected: s.protected ?? false,
      instanceUuid: s.instanceUuid ?? null,
      metadata: {},
      updatedAt: now,
      savingAt: null,
      doneAt: null,
      outcome: 'active',
      deleteAt: null,
    };
    engine.catalog.put({
      id: s.id,
      kind: 'image',
      tenant: s.visibility === 'private' ? owner : null,
      name: s.name,
      createdAt: now,
      attrs: attrs as unknown as Record<string, unknown>,
    });
  }
}

/** A29: a private image made from a server: queued, then saving, then active or killed. */
export function createServerImage(
  engine: SimEngine,
  input: {
    tenant: string;
    name: string;
    description: string;
    metadata: Record<string, string>;
    serverId: string;
    source: LiveImage | undefined;
    sizeBytes: number;
  },
): LiveImage {
  const now = engine.clock.now();
  const cfg = engine.config();
  const id = engine.random('ids').uuid();
  const killed =
    (cfg.createErrorNamePattern !== null && new RegExp(cfg.createErrorNamePattern).test(input.name)) ||
    engine.random('outcomes').chance(cfg.createErrorRate);
  const savingAt = now + imageDelay(engine, 'imageQueueMs');
  const system = input.source?.attrs.system ?? 'unknown';
  const attrs: ImageAttrs = {
    seq: nextSeq(engine),
    visibility: 'private',
    owner: input.tenant,
    description: input.description,
    system,
    systemType: input.source?.attrs.systemType ?? 'linux',
    diskFormat: 'raw',
    sizeBytes: input.sizeBytes,
    minDisk: input.source?.attrs.minDisk ?? 0,
    tags: ['SYSTEMDISK_1', system, 'ECS'],
    protected: false,
    instanceUuid: input.serverId,
    metadata: input.metadata,
    updatedAt: now,
    savingAt,
    doneAt: savingAt + imageDelay(engine, 'imageSaveMs'),
    outcome: killed ? 'killed' : 'active',
    deleteAt: null,
  };
  engine.catalog.put({
    id,
    kind: 'image',
    tenant: input.tenant,
    name: input.name,
    createdAt: now,
    attrs: attrs as unknown as Record<string, unknown>,
  });
  const created = imageById(engine, id);
  if (!created) throw new Error('a new image vanished');
  return created;
}

/** A26: Glance times with milliseconds and a colon-less offset, `2018-09-07T12:14:25.000+0000`. */
export const glanceTime = (ms: number) => new Date(ms).toISOString().replace('Z', '+0000');

const RBD_CLUSTER = '7f3a5c9e-1b2d-4e6f-8a0c-9d1e3f5a7b2c';

/** The image's wire object (§4.13). A33: the detail view adds `systemDisk` and `instance_uuid`. */
export function renderImage(image: LiveImage, view: 'list' | 'detail'): Record<string, unknown> {
  const a = image.attrs;
  // A34: an image still being made has no data yet.
  const ready = image.status === 'active' || image.status === 'pending_delete';
  const rbd = `rbd://${RBD_CLUSTER}/images/${image.id}/snap`;
  const out: Record<string, unknown> = {
    id: image.id,
    name: image.name,
    tags: a.tags,
    status: image.status,
    checksum: ready ? createRandom(deriveSeed(0, image.id)).hex(32) : '',
    owner: a.owner,
    visibility: a.visibility,
    size: ready ? a.sizeBytes : 0,
    locations: ready ? [{ url: rbd, metadata: {} }] : [],
    self: `/v2/images/${image.id}`,
    file: `/v2/images/${image.id}/file`,
    schema: '/v2/schemas/image',
    description: a.description,
    system: a.system,
    systemType: a.systemType,
    container_format: 'bare',
    disk_format: a.diskFormat,
    created_at: glanceTime(image.createdAt),
    updated_at: glanceTime(a.updatedAt),
    min_disk: a.minDisk,
    min_ram: 0,
    protected: a.protected,
    direct_url: ready ? rbd : '',
  };
  if (view === 'detail') {
    out.systemDisk = '1';
    if (a.instanceUuid) out.instance_uuid = a.instanceUuid;
  }
  return out;
}
