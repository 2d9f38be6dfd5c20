/**
 * Catalog lookups (operations 10–13): regions, zones, instance types and images per provider,
 * each a bare array in `data` with no pager. Regions, zones and images in PascalCase, instance
 * types in snake_case, as the document's examples are (A8).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SimEngine } from '../../sim/index.ts';
import type { BxContext } from './simulator-context.ts';
import {
  BX_PROVIDERS,
  type BxCatalogSeed,
  type BxImageSeed,
  type BxInstanceTypeSeed,
  type BxRegionSeed,
} from './simulator-seed.ts';
import { ok } from './simulator-wire.ts';

export const Provider = z.enum(BX_PROVIDERS);
const ProviderQuery = z.object({ provider: Provider });
const RegionQuery = ProviderQuery.extend({ region_id: z.string().min(1) });
const ZoneQuery = RegionQuery.extend({ zone_id: z.string().min(1) });

export function seedCatalog(engine: SimEngine, seed: BxCatalogSeed): void {
  const now = engine.clock.now();
  for (const r of seed.regions)
    engine.catalog.put({
      id: `${r.provider}/${r.id}`,
      kind: 'region',
      tenant: null,
      name: r.id,
      createdAt: now,
      attrs: { seed: r },
    });
  seed.instanceTypes.forEach((t, i) =>
    engine.catalog.put({ id: `t${i}`, kind: 'flavor', tenant: null, name: t.type, createdAt: now, attrs: { seed: t } }),
  );
  seed.images.forEach((img, i) =>
    engine.catalog.put({
      id: `m${i}`,
      kind: 'image',
      tenant: null,
      name: img.id,
      createdAt: now,
      attrs: { seed: img },
    }),
  );
}

export function findRegion(engine: SimEngine, provider: string, region: string): BxRegionSeed | undefined {
  return engine.catalog.get('region', `${provider}/${region}`, null)?.attrs['seed'] as BxRegionSeed | undefined;
}

export function regionsOf(engine: SimEngine, provider: string): BxRegionSeed[] {
  return engine.catalog
    .list('region', null)
    .map((r) => r.attrs['seed'] as BxRegionSeed)
    .filter((r) => r.provider === provider);
}

export function hasZone(engine: SimEngine, provider: string, region: string, zone: string): boolean {
  return findRegion(engine, provider, region)?.zones.some((z) => z.id === zone) ?? false;
}

export function instanceTypesIn(engine: SimEngine, provider: string, zone: string): BxInstanceTypeSeed[] {
  return engine.catalog
    .list('flavor', null)
    .map((r) => r.attrs['seed'] as BxInstanceTypeSeed)
    .filter((t) => t.provider === provider && (!t.zones || t.zones.includes(zone)));
}

export function imagesIn(engine: SimEngine, provider: string, region: string): BxImageSeed[] {
  return engine.catalog
    .list('image', null)
    .map((r) => r.attrs['seed'] as BxImageSeed)
    .filter((i) => i.provider === provider && (!i.regions || i.regions.includes(region)));
}

export function registerCatalogRoutes(app: FastifyInstance, ctx: BxContext): void {
  const { engine } = ctx;

  app.get('/api/v1/region/list', { config: { simOp: 'regions.list' } }, async (req, reply) => {
    const q = ProviderQuery.safeParse(req.query);
    if (!q.success) return ctx.fail(reply);
    return ok(
      reply,
      regionsOf(engine, q.data.provider).map((r) => ({ RegionId: r.id, LocalName: r.localName })),
    );
  });

  app.get('/api/v1/zone/list', { config: { simOp: 'zones.list' } }, async (req, reply) => {
    const q = RegionQuery.safeParse(req.query);
    const region = q.success ? findRegion(engine, q.data.provider, q.data.region_id) : undefined;
    if (!region) return ctx.fail(reply);
    return ok(
      reply,
      region.zones.map((z) => ({ ZoneId: z.id, LocalName: z.localName })),
    );
  });

  app.get('/api/v1/instance_type/list', { config: { simOp: 'instance_types.list' } }, async (req, reply) => {
    const q = ZoneQuery.safeParse(req.query);
    if (!q.success || !hasZone(engine, q.data.provider, q.data.region_id, q.data.zone_id)) return ctx.fail(reply);
    return ok(
      reply,
      instanceTypesIn(engine, q.data.provider, q.data.zone_id).map((t) => ({
        instance_type_family: t.family,
        instance_type: t.type,
        core: t.core,
        memory: t.memory,
      })),
    );
  });

  // A18: images are per region (the description copied from instance types says zone; none is taken).
  app.get('/api/v1/image/list', { config: { simOp: 'images.list' } }, async (req, reply) => {
    const q = RegionQuery.safeParse(req.query);
    if (!q.success || !findRegion(engine, q.data.provider, q.data.region_id)) return ctx.fail(reply);
    return ok(
      reply,
      imagesIn(engine, q.data.provider, q.data.region_id).map((i) => ({
        OsType: i.osType,
        OsName: i.osName,
        ImageId: i.id,
      })),
    );
  });
}
