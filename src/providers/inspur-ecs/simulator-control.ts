/**
 * Inspur-specific control routes, mounted under the control prefix (`/_sim`) beside the
 * engine's: the platform cannot create servers, so tests and demos seed them here, in bulk
 * (`POST /_sim/servers/seed`), and add images and expiring tokens the same way.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { NEUTRAL_STATES, type SimEngine, type SimInstance } from '../../sim/index.ts';
import { imagesOf, seedImages } from './simulator-image-store.ts';
import type { InspurImageSeed, InspurServerSeed } from './simulator-seed.ts';
import { neutralOfStatus } from './simulator-status.ts';

const ServerSeed = z
  .object({
    id: z.string().min(1).optional(),
    name: z.string().min(1),
    tenant: z.string().min(1).optional(),
    state: z.enum(NEUTRAL_STATES).optional(),
    status: z
      .string()
      .refine((s) => neutralOfStatus(s) !== undefined, 'not a documented server status')
      .optional(),
    flavor: z.string().min(1).optional(),
    imageId: z.string().min(1).optional(),
    tags: z.array(z.string()).optional(),
    fixedIp: z.string().min(1).optional(),
    eip: z.boolean().optional(),
    billed: z.boolean().optional(),
  })
  .strict();

/** Either explicit servers, or `count` servers named `<namePrefix>-<n>` sharing the other fields. */
const SeedBody = z.union([
  z.object({ servers: z.array(ServerSeed).min(1).max(5000) }).strict(),
  ServerSeed.omit({ id: true, name: true, fixedIp: true })
    .extend({
      count: z.number().int().min(1).max(5000),
      namePrefix: z.string().min(1).default('server'),
      startAt: z.number().int().min(0).default(1),
    })
    .strict(),
]);

const ImageSeed = z
  .object({
    id: z.string().min(1),
    name: z.string().min(1),
    visibility: z.enum(['public', 'private']),
    owner: z.string().min(1).optional(),
    system: z.string().default('centos7.9'),
    systemType: z.string().default('linux'),
    diskFormat: z.enum(['qcow2', 'raw']).default('qcow2'),
    sizeBytes: z.number().int().min(0).default(1_073_741_824),
    minDisk: z.number().int().min(0).default(40),
    tags: z.array(z.string()).default(['ECS']),
    description: z.string().optional(),
    protected: z.boolean().optional(),
    instanceUuid: z.string().optional(),
  })
  .strict();

const TokenBody = z
  .object({ tenant: z.string().min(1).optional(), ttlMs: z.number().int().min(1).default(3_600_000) })
  .strict();

/** Adds one server as the platform would hold it; unset fields take the render defaults. */
export function seedServer(engine: SimEngine, seed: InspurServerSeed, defaultTenant: string): SimInstance {
  const attrs: Record<string, unknown> = {};
  if (seed.flavor !== undefined) attrs.flavor = seed.flavor;
  if (seed.imageId !== undefined) attrs.imageId = seed.imageId;
  if (seed.fixedIp !== undefined) attrs.fixedIp = seed.fixedIp;
  if (seed.eip === false) attrs.eip = null;
  if (seed.billed === false) attrs.feeData = null;
  attrs.tags = seed.tags ?? ['ECS'];
  const inst = engine.instances.create({
    tenant: seed.tenant ?? defaultTenant,
    name: seed.name,
    ...(seed.id ? { id: seed.id } : {}),
    initialState: seed.state ?? 'running',
    attrs,
  });
  if (seed.status === undefined) return inst;
  const status = seed.status.toUpperCase();
  return engine.instances.force(inst.id, { state: neutralOfStatus(status) ?? inst.state, rawStatus: status }) ?? inst;
}

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply
    .code(400)
    .send({ error: 'invalid', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

export function registerControlRoutes(app: FastifyInstance, engine: SimEngine, defaultTenant: string): void {
  app.post('/servers/seed', async (req, reply) => {
    const body = SeedBody.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    const b = body.data;
    const seeds: InspurServerSeed[] =
      'servers' in b
        ? b.servers
        : Array.from({ length: b.count }, (_, n) => {
            const { count: _count, namePrefix, startAt, ...shared } = b;
            return { ...shared, name: `${namePrefix}-${startAt + n}` };
          });
    try {
      const ids = seeds.map((s) => seedServer(engine, s, defaultTenant).id);
      return reply.code(201).send({ ids });
    } catch (err) {
      return reply.code(409).send({ error: (err as Error).message });
    }
  });

  app.post('/images', async (req, reply) => {
    const body = ImageSeed.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    seedImages(engine, [body.data as InspurImageSeed]);
    return reply.code(201).send({ id: body.data.id });
  });

  app.get('/images', async (req) => {
    const tenant = (req.query as { tenant?: string }).tenant ?? defaultTenant;
    return {
      items: imagesOf(engine, tenant).map((i) => ({ id: i.id, name: i.name, status: i.status, tenant: i.tenant })),
    };
  });

  // Tokens that expire, for a client's "token went stale" path; `POST /_sim/tokens/expire` ends them early.
  app.post('/tokens', async (req, reply) => {
    const body = TokenBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    const info = engine.tokens.issue({
      tenant: body.data.tenant ?? defaultTenant,
      user: 'control',
      ttlMs: body.data.ttlMs,
    });
    return reply.code(201).send({ token: info.token, expiresAt: info.expiresAt });
  });
}
