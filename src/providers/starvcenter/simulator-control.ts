/**
 * StarVCenter-only control routes, mounted beside the shared control API (`/_sim/starvcenter/…`):
 * - `POST /jobs {outcome:'fail'|'hang', op?, times?, code?}`: the next `times` (default 1) async
 *   jobs of `op` (default all; `cloudvm.*` style patterns work) fail with task code `code`
 *   (default "1"; the VM ends in its documented failed state) or never end (the VM keeps its
 *   transitional state). `GET /jobs` lists the rules and every job with its task-log code;
 *   `DELETE /jobs` drops the rules.
 * - `POST /tokens {tenant}`: a new token for a tenant (tokens are issued out of band, D6); the
 *   shared `/tokens/expire` and `/tokens/revoke` act on these.
 * - `POST /vms/:id/lock {code}`: set a VM's lock code (Appendix 2) to test refusals; 0 unlocks.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { SvcContext } from './simulator-context.ts';
import { JobFaultInput } from './simulator-jobs.ts';

const TokenBody = z.object({ tenant: z.string().min(1), ttlMs: z.number().int().positive().optional() }).strict();
const LockBody = z.object({ code: z.number().int().min(0).max(14) }).strict();

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply
    .code(400)
    .send({ error: 'invalid', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

/** A token that outlives any test or demo unless the control API expires it. */
const TEN_YEARS_MS = 10 * 365 * 24 * 3_600_000;

export function registerControlRoutes(app: FastifyInstance, ctx: SvcContext): void {
  app.post('/starvcenter/jobs', async (req, reply) => {
    const body = JobFaultInput.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    return reply.code(201).send(ctx.jobs.addFault(body.data));
  });
  app.get('/starvcenter/jobs', async () => ({ rules: ctx.jobs.faults(), jobs: ctx.jobs.list() }));
  app.delete('/starvcenter/jobs', async (_req, reply) => {
    ctx.jobs.clearFaults();
    return reply.code(204).send();
  });

  app.post('/starvcenter/tokens', async (req, reply) => {
    const body = TokenBody.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    const tenant = ctx.store.tenant.get(body.data.tenant, null);
    if (!tenant) return reply.code(404).send({ error: 'no such tenant' });
    const info = ctx.engine.tokens.issue({
      tenant: tenant.id,
      user: tenant.name,
      ttlMs: body.data.ttlMs ?? TEN_YEARS_MS,
    });
    return reply.code(201).send({ token: info.token, tenant: tenant.id });
  });

  app.post<{ Params: { id: string } }>('/starvcenter/vms/:id/lock', async (req, reply) => {
    const body = LockBody.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    const inst = ctx.engine.instances.update(req.params.id, { attrs: { lock: body.data.code } });
    return inst ? { id: inst.id, lock: body.data.code } : reply.code(404).send({ error: 'no such VM' });
  });
}
