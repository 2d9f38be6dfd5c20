/**
 * `POST /v1/servers/{server_id}/action` (ops 3, 5, 7, 9, 12): one URL whose body's single key
 * names the action, so the operation name (for faults and the call log) comes from the body.
 * The batch URL (ops 4, 6, 8) is in simulator-batch.ts.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { type InspurContext, fail, fieldOf, ok } from './simulator-context.ts';
import { createServerImage, imageById, imagesOf } from './simulator-image-store.ts';
import { renderStatus, serverAttrs } from './simulator-render.ts';
import { DEMO_FLAVORS } from './simulator-seed.ts';
import { allows } from './simulator-status.ts';

const SINGLE_OPS: Record<string, string> = {
  'os-start': 'servers.start',
  'os-stop': 'servers.stop',
  reboot: 'servers.reboot',
  'os-getVNCConsole': 'servers.console',
  createImage: 'servers.create_image',
};

/** A16: the body is an object with exactly one key: the action. */
export function actionKey(req: FastifyRequest): string | undefined {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const keys = Object.keys(body);
  return keys.length === 1 ? keys[0] : undefined;
}

// An empty structure (the document's `{}`), or null. A16: a batch body (`servers`) is not one.
const Empty = z.object({ servers: z.never().optional() }).nullable();
const StopBody = z.object({ type: z.enum(['SOFT', 'HARD']).optional(), servers: z.never().optional() }).nullable();
const RebootBody = StopBody;
const ConsoleBody = z.object({ type: z.enum(['novnc', 'xvpvnc']) });
const CreateImageBody = z.object({
  name: z.string().min(1).max(255),
  description: z.string().max(255),
  metadata: z.record(z.string(), z.string()).optional(),
  tenant_id: z.string().optional(),
});

const GIB = 1024 ** 3;

export function registerActionRoutes(app: FastifyInstance, ctx: InspurContext): void {
  const { engine } = ctx;

  const power = (reply: FastifyReply, inst: SimInstance, action: 'start' | 'stop' | 'reboot') => {
    const r = engine.instances.act(inst.tenant, inst.id, action);
    if (!r.ok) return fail(reply, ctx, 'state');
    return ok(reply, { message: 'OK', data: null });
  };

  app.post<{ Params: { server_id: string } }>(
    '/v1/servers/:server_id/action',
    { config: { simOp: (req) => SINGLE_OPS[actionKey(req) ?? ''] ?? 'servers.action' } },
    async (req, reply) => {
      const key = actionKey(req);
      if (key === undefined || !(key in SINGLE_OPS)) return fail(reply, ctx, 'param', 'action');
      const inner = (req.body as Record<string, unknown>)[key];
      const tenant = ctx.tenantOf(req);
      const id = req.params.server_id;
      const inst = engine.instances.get(tenant.id, id);

      switch (key) {
        case 'os-start': {
          const body = Empty.safeParse(inner);
          if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, key));
          if (!inst) return fail(reply, ctx, 'noServer', id);
          if (!allows(inst, 'start')) return fail(reply, ctx, 'state');
          return power(reply, inst, 'start');
        }
        case 'os-stop': {
          const body = StopBody.safeParse(inner);
          if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, key));
          // A12: stop answers its own code for a server that is missing or not the caller's.
          if (!inst) return fail(reply, ctx, 'notOwned');
          // A13: a server without billing information cannot be stopped.
          if (serverAttrs(inst).feeData === null) return fail(reply, ctx, 'unbilled');
          if (!allows(inst, 'stop')) return fail(reply, ctx, 'state');
          return power(reply, inst, 'stop');
        }
        case 'reboot': {
          const body = RebootBody.safeParse(inner);
          if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, key));
          if (!inst) return fail(reply, ctx, 'noServer', id);
          const type = body.data?.type ?? 'SOFT';
          if (!allows(inst, type === 'SOFT' ? 'soft_reboot' : 'hard_reboot')) return fail(reply, ctx, 'state');
          rebootServer(ctx, inst, type);
          return ok(reply, { message: 'OK', data: null });
        }
        case 'os-getVNCConsole': {
          const body = ConsoleBody.safeParse(inner);
          if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, 'type'));
          if (!inst) return fail(reply, ctx, 'noServer', id);
          if (!allows(inst, 'console')) return fail(reply, ctx, 'state');
          return ok(reply, {
            message: 'Successful operation!',
            data: { console: { url: consoleUrl(ctx, body.data.type), type: body.data.type } },
          });
        }
        default: {
          const body = CreateImageBody.safeParse(inner);
          if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, key));
          // A29: the project is the token's; a tenant_id sent anyway must name it.
          const claimed = body.data.tenant_id ?? (req.query as Record<string, unknown>).tenant_id;
          if (claimed !== undefined && claimed !== tenant.id) return fail(reply, ctx, 'param', 'tenant_id');
          if (!inst) return fail(reply, ctx, 'noServer', id);
          if (!allows(inst, 'create_image')) return fail(reply, ctx, 'imageBadSource', renderStatus(ctx, inst));
          const owned = imagesOf(engine, tenant.id).filter(
            (i) => i.tenant === tenant.id && i.status !== 'pending_delete',
          );
          if (ctx.maxPrivateImages !== null && owned.length >= ctx.maxPrivateImages)
            return fail(reply, ctx, 'imageCreateFailed');
          const a = serverAttrs(inst);
          const source = imageById(engine, a.imageId);
          const flavor = DEMO_FLAVORS.find((f) => f.name === a.flavor);
          const image = createServerImage(engine, {
            tenant: tenant.id,
            name: body.data.name,
            description: body.data.description,
            metadata: body.data.metadata ?? {},
            serverId: inst.id,
            source,
            sizeBytes: source?.attrs.sizeBytes ?? (flavor?.diskGb ?? 40) * GIB,
          });
          return ok(reply, { code: 201, message: 'Created', data: { image_id: image.id } }, 201);
        }
      }
    },
  );
}

/** A11: SOFT goes through the engine's reboot; HARD also leaves states the engine cannot reboot from. */
export function rebootServer(ctx: InspurContext, inst: SimInstance, type: 'SOFT' | 'HARD'): void {
  const { engine } = ctx;
  engine.instances.update(inst.id, { attrs: { rebootType: type } });
  if (inst.state === 'running' && !inst.rawStatus) {
    engine.instances.act(inst.tenant, inst.id, 'reboot');
    return;
  }
  engine.instances.force(inst.id, {
    state: 'rebooting',
    rawStatus: null,
    to: 'running',
    inMs: engine.config().delays.rebootMs,
  });
}

/** A18: a console address with a one-time token, on the document's console host. */
function consoleUrl(ctx: InspurContext, type: 'novnc' | 'xvpvnc'): string {
  const token = ctx.engine.random('platform').uuid();
  return type === 'novnc'
    ? `http://${ctx.consoleHost}/ecs/vnc/vnc_auto.html?token=${token}`
    : `http://${ctx.consoleHost}/ecs/xvpvnc/console?token=${token}`;
}
