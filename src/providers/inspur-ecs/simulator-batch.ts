/**
 * `POST /v1/servers/action` (ops 4, 6, 8): start, stop or reboot up to 100 servers at once.
 *
 * A14: the document's refusal ("a server is in an unknown state, please choose again") asks the
 * caller to change the selection, so a batch is all or nothing: one missing or ineligible
 * server refuses the whole call and nothing acts. The refusal names each offending server in
 * `data.servers` (the envelope allows data on errors), which is the per-server outcome a
 * client can give back; the others were not touched and may be sent again.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { rebootServer, actionKey } from './simulator-actions.ts';
import { type InspurContext, fail, fieldOf, ok, sendRefusal } from './simulator-context.ts';
import { refusal } from './simulator-errors.ts';
import { renderStatus, serverAttrs } from './simulator-render.ts';
import { type ServerAction, allows } from './simulator-status.ts';

const BATCH_OPS: Record<string, string> = {
  'os-start': 'servers.batch_start',
  'os-stop': 'servers.batch_stop',
  reboot: 'servers.batch_reboot',
};

/** A14: 1 to 100 servers, nested in the action object as `[{id}]` (the examples' shape). */
const BatchBody = z.object({
  type: z.enum(['SOFT', 'HARD']).optional(),
  servers: z
    .array(z.object({ id: z.string().min(1) }))
    .min(1)
    .max(100),
});

/** The operation name of a batch call; per-server fault rules use `<op>.item` with the server id as key. */
export function batchOp(req: FastifyRequest): string {
  return BATCH_OPS[actionKey(req) ?? ''] ?? 'servers.batch_action';
}

export function registerBatchRoutes(app: FastifyInstance, ctx: InspurContext): void {
  const { engine } = ctx;

  app.post('/v1/servers/action', { config: { simOp: batchOp } }, async (req, reply) => {
    const key = actionKey(req);
    if (key === undefined || !(key in BATCH_OPS)) return fail(reply, ctx, 'param', 'action');
    const body = BatchBody.safeParse((req.body as Record<string, unknown>)[key]);
    if (!body.success) return fail(reply, ctx, 'param', fieldOf(body.error.issues, 'servers'));
    // A15: `type` is the example's for stop and the document's for reboot; stop ignores it.
    const type = body.data.type ?? 'SOFT';
    const ids = [...new Set(body.data.servers.map((s) => s.id))];
    const tenant = ctx.tenantOf(req).id;

    const found = ids.map((id) => ({ id, inst: engine.instances.get(tenant, id) }));
    const missing = found.filter((f) => !f.inst).map((f) => ({ id: f.id }));
    // A12: the batch sections point at the common codes, whose not-found names the (first) server.
    if (missing.length > 0) return fail(reply, ctx, 'noServer', missing[0]?.id ?? '', { servers: missing });
    const servers = found.map((f) => f.inst as SimInstance);

    if (key === 'os-stop') {
      const unbilled = servers.filter((i) => serverAttrs(i).feeData === null).map((i) => ({ id: i.id }));
      if (unbilled.length > 0) return fail(reply, ctx, 'unbilled', '', { servers: unbilled });
    }
    const need: ServerAction =
      key === 'os-start' ? 'start' : key === 'os-stop' ? 'stop' : type === 'HARD' ? 'hard_reboot' : 'soft_reboot';
    const ineligible = servers.filter((i) => !allows(i, need)).map((i) => ({ id: i.id, status: renderStatus(ctx, i) }));
    if (ineligible.length > 0) return fail(reply, ctx, 'state', '', { servers: ineligible });

    // A39: per-server faults (a platform-side failure on one machine) refuse the batch the same way.
    const op = `${batchOp(req)}.item`;
    const faulted = servers.flatMap((i) => {
      const f = engine.faults.check(op, i.id);
      return f ? [{ id: i.id, fault: f }] : [];
    });
    const first = faulted[0];
    if (first)
      return sendRefusal(reply, {
        http: first.fault.status,
        code: first.fault.code ?? '101.001040',
        message: first.fault.message ?? refusal('failed', ctx.language).message,
        data: { servers: faulted.map((f) => ({ id: f.id })) },
      });

    for (const inst of servers) {
      if (key === 'reboot') rebootServer(ctx, inst, type);
      else engine.instances.act(tenant, inst.id, key === 'os-start' ? 'start' : 'stop');
    }
    // A7: the batch examples answer without `data`.
    return ok(reply, { message: 'OK' });
  });
}
