/**
 * Server (cloud host) routes of the H3C simulator: SV-1 list, SV-2 create, SV-3 detail list,
 * SV-4 get, SV-5 delete, SV-6 rename. Actions (SV-18…25) live in simulator-actions.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type H3cContext, fail, invalidInput } from './simulator-context.ts';
import { type H3cServerAttrs, renderServer, renderServerBrief } from './simulator-render.ts';
import type { H3cNetworkSeed } from './simulator-seed.ts';
import { statusOf } from './simulator-status.ts';

export const SERVERS = '/os/compute/v1/v2/:tenant_id/servers';
// A8: Nova's osapi_max_limit: a list answers at most 1,000 servers per page.
const MAX_LIMIT = 1000;

// A9: hostname rule of SV-2 (letters, digits, '-', starts with a letter, no trailing '-'), 1–63 chars.
const HostName = z
  .string()
  .regex(
    /^[A-Za-z](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/,
    'must be a hostname: letters, digits and "-", starting with a letter',
  );
// A10: enable_gateway / enableAdminPass are the documented strings, not booleans.
const CreateBody = z.object({
  server: z.object({
    name: HostName,
    imageRef: z.string().min(1).max(36).optional(),
    flavorRef: z.string().min(1).max(36),
    networks: z
      .array(
        z.object({
          uuid: z.string().min(1),
          fixed_ip: z.string().optional(),
          enable_gateway: z.enum(['true', 'false']),
        }),
      )
      .min(1),
    adminPass: z.string().optional(),
    key_name: z.string().optional(),
    security_groups: z.array(z.object({ name: z.string().min(1), id: z.string().optional() })).min(1),
    // A11: metadata keys beyond the documented ones are kept (Nova metadata); all values are strings ≤255.
    metadata: z
      .object({
        user_name: z.string().min(1),
        alias: z.string().max(32).optional(),
        description: z.string().max(128).optional(),
        zone_uuid: z.string().min(1).max(36),
        enableAdminPass: z.enum(['0', '1']),
      })
      .catchall(z.string().max(255)),
    availability_zone: z.string().min(1),
    config_drive: z.boolean().optional(),
    block_device_mapping_v2: z
      .array(
        z
          .object({ uuid: z.string(), boot_index: z.string(), source_type: z.string(), destination_type: z.string() })
          .passthrough(),
      )
      .optional(),
  }),
  'os:scheduler_hints': z.object({ group: z.string().optional() }).optional(),
});

const ListQuery = z.object({
  limit: z.coerce.number().int().min(0).optional(),
  marker: z.string().optional(),
  name: z.string().optional(),
  status: z.string().optional(),
  image: z.string().optional(),
  flavor: z.string().optional(),
  host: z.string().optional(),
  'changes-since': z.string().optional(),
});

const RenameBody = z.object({ server: z.object({ name: z.string().min(1).max(255) }) });

type TenantParams = { tenant_id: string };
type ServerParams = TenantParams & { server_id: string };

export function registerServerRoutes(app: FastifyInstance, ctx: H3cContext): void {
  const { engine } = ctx;
  const rnd = engine.random('platform');

  app.post<{ Params: TenantParams }>(SERVERS, { config: { simOp: 'servers.create' } }, async (req, reply) => {
    const parsed = CreateBody.safeParse(req.body);
    if (!parsed.success) return fail(reply, 400, invalidInput(parsed.error));
    const s = parsed.data.server;
    const tenant = req.params.tenant_id;
    const bootVolume = s.block_device_mapping_v2?.find((b) => b.boot_index === '0');
    if (!s.imageRef && !bootVolume)
      return fail(reply, 400, 'Invalid input for field/attribute server.imageRef. Required');
    if (s.imageRef && !engine.catalog.get('image', s.imageRef, tenant))
      return fail(reply, 400, 'Can not find requested image');
    if (!engine.catalog.get('flavor', s.flavorRef, tenant))
      return fail(reply, 400, `Flavor ${s.flavorRef} could not be found.`);
    const zone = engine.catalog.get('zone', s.metadata.zone_uuid, tenant);
    if (!zone) return fail(reply, 400, `Availability zone ${s.metadata.zone_uuid} could not be found.`);
    // A12: availability_zone is the AZ name, optionally followed by ":host[:cvk]" (CAS placement).
    if (s.availability_zone.split(':')[0] !== zone.name)
      return fail(reply, 400, `The requested availability zone is not available: ${s.availability_zone}`);
    const nets: H3cNetworkSeed[] = [];
    for (const n of s.networks) {
      const rec = engine.catalog.get('network', n.uuid, tenant);
      if (!rec || rec.subtype !== 'network') return fail(reply, 400, `Network ${n.uuid} could not be found.`);
      nets.push(rec.attrs as unknown as H3cNetworkSeed);
    }
    for (const g of s.security_groups)
      if (!engine.catalog.list('network', tenant, 'security_group').some((r) => r.name === g.name))
        return fail(reply, 400, `Security group ${g.name} not found for project ${tenant}.`);
    if (s.key_name && !engine.catalog.get('keypair', `kp:${tenant}:${s.key_name}`, tenant))
      return fail(reply, 400, 'Invalid key_name provided.');
    // A13: per-project instance quota (optional) answers 403 like Nova's quota error.
    if (ctx.maxInstancesPerTenant !== null && engine.instances.count(tenant) >= ctx.maxInstancesPerTenant)
      return fail(
        reply,
        403,
        `Quota exceeded for instances: Requested 1, but already used ${ctx.maxInstancesPerTenant} of ${ctx.maxInstancesPerTenant} instances`,
      );

    const adminPass = s.adminPass ?? rnd.hex(12);
    const host = `compcas${rnd.hex(10)}`;
    const attrs: H3cServerAttrs = {
      imageRef: s.imageRef ?? null,
      flavorRef: s.flavorRef,
      availabilityZone: s.availability_zone,
      zoneName: zone.name,
      metadata: { alias: s.name, description: '', ...s.metadata },
      keyName: s.key_name ?? null,
      adminPass,
      securityGroups: s.security_groups.map((g) => g.name),
      addresses: Object.fromEntries(
        s.networks.map((n, i) => [
          nets[i]?.name ?? n.uuid,
          [
            {
              addr: n.fixed_ip ?? `${nets[i]?.prefix ?? '192.168.0'}.${rnd.int(2, 254)}`,
              mac: `fa:16:3e:${rnd.hex(2)}:${rnd.hex(2)}:${rnd.hex(2)}`,
            },
          ],
        ]),
      ),
      host,
      hypervisorHostname: s.metadata.cvk ?? `cvknode-${host.slice(-4)}`,
      instanceName: `instance-${rnd.hex(8)}`,
      hostId: rnd.hex(56),
      userId: ctx.caller(req).user,
      configDrive: s.config_drive ?? false,
    };
    const inst = engine.instances.create({ tenant, name: s.name, attrs: attrs as unknown as Record<string, unknown> });
    return reply.code(202).send({
      server: {
        security_groups: attrs.securityGroups.map((name) => ({ name })),
        'OS-DCF:diskConfig': 'MANUAL',
        id: inst.id,
        links: renderServerBrief(inst).links,
        adminPass,
      },
    });
  });

  const list = (detail: boolean) => async (req: FastifyRequest<{ Params: TenantParams }>, reply: FastifyReply) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return fail(reply, 400, invalidInput(q.error));
    const f = q.data;
    let nameRe: RegExp | undefined;
    let hostRe: RegExp | undefined;
    try {
      nameRe = f.name !== undefined ? new RegExp(f.name) : undefined;
      hostRe = f.host !== undefined ? new RegExp(f.host) : undefined;
    } catch {
      return fail(reply, 400, 'Invalid regular expression in name or host filter');
    }
    const since = f['changes-since'] !== undefined ? Date.parse(f['changes-since']) : undefined;
    if (since !== undefined && Number.isNaN(since)) return fail(reply, 400, 'Invalid changes-since value');
    const status = f.status?.toUpperCase();
    const filter = (i: SimInstance): boolean => {
      const a = i.attrs as unknown as H3cServerAttrs;
      return (
        (!nameRe || nameRe.test(i.name)) &&
        (!hostRe || hostRe.test(a.host)) &&
        (status === undefined || statusOf(i) === status) &&
        (f.image === undefined || a.imageRef === f.image) &&
        (f.flavor === undefined || a.flavorRef === f.flavor) &&
        (since === undefined || i.updatedAt >= since)
      );
    };
    const limit = Math.min(f.limit ?? MAX_LIMIT, MAX_LIMIT);
    // A7: newest first, as Nova sorts by default (created_at desc).
    const page = engine.instances.list(req.params.tenant_id, {
      direction: 'desc',
      limit,
      filter,
      ...(f.marker !== undefined ? { marker: f.marker } : {}),
    });
    if (!page.ok) return fail(reply, 400, `marker [${f.marker}] not found`);
    const body: Record<string, unknown> = { servers: page.items.map(detail ? renderServer : renderServerBrief) };
    const last = page.items.at(-1);
    if (page.hasMore && last) {
      const path = `/os/compute/v1/v2/${req.params.tenant_id}/servers${detail ? '/detail' : ''}`;
      body.servers_links = [
        { rel: 'next', href: `http://${req.headers.host ?? 'localhost'}${path}?limit=${limit}&marker=${last.id}` },
      ];
    }
    return body;
  };
  // A14: the brief list (SV-1) accepts the same filters and paging as the detail list, as Nova does.
  app.get(SERVERS, { config: { simOp: 'servers.list' } }, list(false));
  app.get(`${SERVERS}/detail`, { config: { simOp: 'servers.list_detail' } }, list(true));

  const notFound = (reply: FastifyReply, id: string) => fail(reply, 404, `Instance ${id} could not be found.`);

  app.get<{ Params: ServerParams }>(
    `${SERVERS}/:server_id`,
    { config: { simOp: 'servers.get' } },
    async (req, reply) => {
      const inst = engine.instances.get(req.params.tenant_id, req.params.server_id);
      return inst ? { server: renderServer(inst) } : notFound(reply, req.params.server_id);
    },
  );

  app.put<{ Params: ServerParams }>(
    `${SERVERS}/:server_id`,
    { config: { simOp: 'servers.update' } },
    async (req, reply) => {
      const parsed = RenameBody.safeParse(req.body);
      if (!parsed.success) return fail(reply, 400, invalidInput(parsed.error));
      if (!engine.instances.get(req.params.tenant_id, req.params.server_id))
        return notFound(reply, req.params.server_id);
      const inst = engine.instances.update(req.params.server_id, { name: parsed.data.server.name });
      return inst ? { server: renderServer(inst) } : notFound(reply, req.params.server_id);
    },
  );

  app.delete<{ Params: ServerParams }>(
    `${SERVERS}/:server_id`,
    { config: { simOp: 'servers.delete' } },
    async (req, reply) => {
      const r = engine.instances.act(req.params.tenant_id, req.params.server_id, 'delete');
      if (!r.ok) return notFound(reply, req.params.server_id);
      return reply.code(204).send();
    },
  );
}
