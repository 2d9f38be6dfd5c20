/**
 * Catalog routes of the H3C simulator: flavors (FL-1, FL-3, FL-4), Glance images (IMG-2,
 * IMG-3), compute AZs (AZ-1, AZ-4) and keypairs (KP-1…KP-4).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { type H3cContext, fail, invalidInput } from './simulator-context.ts';
import { renderFlavor, renderFlavorBrief, renderImage, renderZone } from './simulator-render.ts';

type TenantParams = { tenant_id: string };
const FLAVORS = '/os/compute/v1/v2/:tenant_id/flavors';
const IMAGES = '/os/image/v1/v2/images';
const AZONES = '/os/compute/v1/cloudos/azones';
const KEYPAIRS = '/os/compute/v1/v2/:tenant_id/os-keypairs';
// A16: get/delete use `/keypairs/{name}` exactly as documented (KP-3, KP-4), not Nova's `/os-keypairs/{name}`.
const KEYPAIR = '/os/compute/v1/v2/:tenant_id/keypairs/:keypair_name';

const ImageQuery = z.object({
  limit: z.coerce.number().int().positive().optional(),
  owner: z.string().optional(),
  marker: z.string().optional(),
});
const KeypairBody = z.object({
  keypair: z.object({
    name: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'digits, letters, "-" and "_", 1–64 characters'),
    type: z.string().min(1),
    public_key: z.string().min(1).optional(),
  }),
});

export function registerCatalogRoutes(app: FastifyInstance, ctx: H3cContext): void {
  const { engine } = ctx;

  app.get<{ Params: TenantParams }>(FLAVORS, { config: { simOp: 'flavors.list' } }, async (req) => ({
    flavors: engine.catalog.list('flavor', req.params.tenant_id).map((f) => renderFlavorBrief(f, req.params.tenant_id)),
  }));
  app.get<{ Params: TenantParams }>(`${FLAVORS}/detail`, { config: { simOp: 'flavors.list_detail' } }, async (req) => ({
    flavors: engine.catalog.list('flavor', req.params.tenant_id).map((f) => renderFlavor(f, req.params.tenant_id)),
  }));
  app.get<{ Params: TenantParams & { flavor_id: string } }>(
    `${FLAVORS}/:flavor_id`,
    { config: { simOp: 'flavors.get' } },
    async (req, reply) => {
      const f = engine.catalog.get('flavor', req.params.flavor_id, req.params.tenant_id);
      // A6: a single flavor is wrapped in `flavor` (the example), not `flavors` (the table).
      return f
        ? { flavor: renderFlavor(f, req.params.tenant_id) }
        : fail(reply, 404, `Flavor ${req.params.flavor_id} could not be found.`);
    },
  );

  app.get(IMAGES, { config: { simOp: 'images.list' } }, async (req, reply) => {
    const q = ImageQuery.safeParse(req.query);
    if (!q.success) return fail(reply, 400, invalidInput(q.error));
    const tenant = ctx.caller(req).tenant;
    let all = engine.catalog
      .list('image', tenant)
      .filter((r) => q.data.owner === undefined || renderImage(r, tenant).owner === q.data.owner);
    if (q.data.marker !== undefined) {
      const at = all.findIndex((r) => r.id === q.data.marker);
      if (at < 0) return fail(reply, 400, `marker ${q.data.marker} not found`);
      all = all.slice(at + 1);
    }
    const page = q.data.limit !== undefined ? all.slice(0, q.data.limit) : all;
    const body: Record<string, unknown> = {
      images: page.map((r) => renderImage(r, tenant)),
      first: '/v2/images',
      schema: '/v2/schemas/images',
    };
    const last = page.at(-1);
    if (page.length < all.length && last) body.next = `/v2/images?marker=${last.id}&limit=${q.data.limit}`;
    return body;
  });
  // A17: a single image is a flat Glance object (the document's example shows the list wrapper).
  app.get<{ Params: { image_id: string } }>(
    `${IMAGES}/:image_id`,
    { config: { simOp: 'images.get' } },
    async (req, reply) => {
      const tenant = ctx.caller(req).tenant;
      const img = engine.catalog.get('image', req.params.image_id, tenant);
      return img ? renderImage(img, tenant) : fail(reply, 404, `No image found with ID ${req.params.image_id}`);
    },
  );

  app.get(AZONES, { config: { simOp: 'azones.list' } }, async () => engine.catalog.list('zone', null).map(renderZone));
  app.get<{ Params: { azone_id: string } }>(
    `${AZONES}/:azone_id`,
    { config: { simOp: 'azones.get' } },
    async (req, reply) => {
      const z = engine.catalog.get('zone', req.params.azone_id, null);
      return z ? renderZone(z) : fail(reply, 404, `azone ${req.params.azone_id} not found`);
    },
  );

  const keyId = (tenant: string, name: string) => `kp:${tenant}:${name}`;
  let keySeq = 0;
  app.post<{ Params: TenantParams }>(KEYPAIRS, { config: { simOp: 'keypairs.create' } }, async (req, reply) => {
    const parsed = KeypairBody.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, invalidInput(parsed.error));
    const { name, type, public_key } = parsed.data.keypair;
    const tenant = req.params.tenant_id;
    if (engine.catalog.get('keypair', keyId(tenant, name), tenant))
      return fail(reply, 409, `Key pair '${name}' already exists.`);
    const rnd = engine.random('platform');
    const publicKey = public_key ?? `ssh-rsa AAAAB3NzaC1yc2E${rnd.hex(64)} Generated-by-Nova`;
    // An md5-shaped fingerprint from the seeded stream: the simulator imports only sim/, zod and fastify.
    const fingerprint = (rnd.hex(32).match(/../g) ?? []).join(':');
    const userId = ctx.caller(req).user;
    const now = engine.clock.now();
    engine.catalog.put({
      id: keyId(tenant, name),
      kind: 'keypair',
      tenant,
      name,
      createdAt: now,
      attrs: { publicKey, fingerprint, userId, type, numericId: ++keySeq },
    });
    // A18: without public_key the platform generates the pair and returns private_key once (Nova).
    const privateKey = public_key
      ? {}
      : { private_key: `-----BEGIN RSA PRIVATE KEY-----\n${rnd.hex(64)}\n-----END RSA PRIVATE KEY-----\n` };
    return { keypair: { name, user_id: userId, public_key: publicKey, fingerprint, ...privateKey } };
  });
  app.get<{ Params: TenantParams }>(KEYPAIRS, { config: { simOp: 'keypairs.list' } }, async (req) => ({
    keypairs: engine.catalog
      .list('keypair', req.params.tenant_id)
      .filter((k) => k.tenant === req.params.tenant_id)
      .map((k) => ({ keypair: { public_key: k.attrs.publicKey, name: k.name, fingerprint: k.attrs.fingerprint } })),
  }));
  app.get<{ Params: TenantParams & { keypair_name: string } }>(
    KEYPAIR,
    { config: { simOp: 'keypairs.get' } },
    async (req, reply) => {
      const k = engine.catalog.get(
        'keypair',
        keyId(req.params.tenant_id, req.params.keypair_name),
        req.params.tenant_id,
      );
      if (!k) return fail(reply, 404, `Keypair ${req.params.keypair_name} not found for user ${ctx.caller(req).user}`);
      return {
        keypair: {
          public_key: k.attrs.publicKey,
          id: k.attrs.numericId,
          name: k.name,
          deleted: false,
          created_at: new Date(k.createdAt)
            .toISOString()
            .replace('Z', '')
            .replace(/(\.\d{3})$/, '$1000'),
          deleted_at: null,
          updated_at: null,
          fingerprint: k.attrs.fingerprint,
          user_id: k.attrs.userId,
        },
      };
    },
  );
  app.delete<{ Params: TenantParams & { keypair_name: string } }>(
    KEYPAIR,
    { config: { simOp: 'keypairs.delete' } },
    async (req, reply) => {
      const ok = engine.catalog.delete(
        'keypair',
        keyId(req.params.tenant_id, req.params.keypair_name),
        req.params.tenant_id,
      );
      return ok ? reply.code(202).send() : fail(reply, 404, `Keypair ${req.params.keypair_name} not found`);
    },
  );
}
