/**
 * The simulator control API (not part of any platform's wire), mounted by every simulator
 * under a prefix such as `/_sim`. Tests and benchmarks use it to reset, tune delays and
 * latency, inject faults, read the inventory with each platform's own status string, force
 * states, drive a manual clock and count calls.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isManualClock } from './clock.ts';
import { SimConfigPatch } from './config.ts';
import type { SimEngine } from './engine.ts';
import { FaultRuleInput } from './faults.ts';
import { NEUTRAL_STATES, type NeutralState } from './instance-states.ts';
import type { SimInstance } from './instance-store.ts';

export interface ControlApiOptions {
  engine: SimEngine;
  /** The platform's status string for an instance (e.g. H3C `ACTIVE`). */
  platformStatus(instance: SimInstance): string;
  /** Maps a raw platform status to the neutral state it behaves as; undefined = not a platform status. */
  stateOfRawStatus?(raw: string): NeutralState | undefined;
  /** Extra platform-specific control routes (token expiry, catalog edits…). */
  extend?(app: FastifyInstance): void;
}

const NeutralStateSchema = z.enum(NEUTRAL_STATES);

const ResetBody = z.object({ seed: z.number().int().optional() }).strict();
const ForceBody = z
  .object({
    state: NeutralStateSchema.optional(),
    status: z.string().min(1).optional(),
    to: z.union([NeutralStateSchema, z.literal('gone')]).optional(),
    inMs: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((b) => b.state ?? b.status ?? b.to, 'give state, status or to');
const SeedInstanceBody = z
  .object({
    tenant: z.string().min(1),
    name: z.string().min(1),
    id: z.string().min(1).optional(),
    state: NeutralStateSchema.optional(),
    tags: z.record(z.string(), z.string()).optional(),
    attrs: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
const ClockBody = z
  .object({ advanceMs: z.number().int().min(0).optional(), setMs: z.number().int().optional() })
  .strict();
const ListQuery = z.object({ tenant: z.string().optional(), name: z.string().optional() });
const CallsQuery = z.object({ limit: z.coerce.number().int().min(1).max(2000).optional() });

function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply
    .code(400)
    .send({ error: 'invalid', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

export const simControlApi: FastifyPluginAsync<ControlApiOptions> = async (app, opts) => {
  const { engine } = opts;
  const view = (i: SimInstance) => ({
    id: i.id,
    tenant: i.tenant,
    name: i.name,
    state: i.state,
    status: opts.platformStatus(i),
    rawStatus: i.rawStatus,
    pending: i.pending,
    visible: i.visibleAt <= engine.clock.now(),
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    tags: i.tags,
    attrs: i.attrs,
  });

  app.setErrorHandler((err: { statusCode?: number; message: string }, _req, reply) =>
    reply.code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500).send({ error: err.message }),
  );

  app.post('/reset', async (req, reply) => {
    const body = ResetBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    engine.reset(body.data.seed);
    return { seed: engine.seed };
  });

  app.get('/config', async () => engine.config());
  app.patch('/config', async (req, reply) => {
    const body = SimConfigPatch.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    return engine.configure(body.data);
  });

  app.get('/faults', async () => ({ rules: engine.faults.list() }));
  app.post('/faults', async (req, reply) => {
    const body = FaultRuleInput.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    return reply.code(201).send(engine.faults.add(body.data));
  });
  app.delete('/faults', async (_req, reply) => {
    engine.faults.clear();
    return reply.code(204).send();
  });
  app.delete<{ Params: { id: string } }>('/faults/:id', async (req, reply) =>
    engine.faults.remove(req.params.id) ? reply.code(204).send() : reply.code(404).send({ error: 'no such rule' }),
  );

  app.get('/calls', async (req, reply) => {
    const q = CallsQuery.safeParse(req.query);
    if (!q.success) return invalid(reply, q.error);
    return { counts: engine.calls.counts(), recent: engine.calls.recent(q.data.limit) };
  });
  app.delete('/calls', async (_req, reply) => {
    engine.calls.reset();
    return reply.code(204).send();
  });

  app.get('/instances', async (req, reply) => {
    const q = ListQuery.safeParse(req.query);
    if (!q.success) return invalid(reply, q.error);
    const items = engine.instances
      .all(q.data.tenant)
      .filter((i) => q.data.name === undefined || i.name === q.data.name);
    return { items: items.map(view), total: items.length };
  });
  app.get<{ Params: { id: string } }>('/instances/:id', async (req, reply) => {
    const inst = engine.instances.get(null, req.params.id, { includeLagging: true });
    return inst ? view(inst) : reply.code(404).send({ error: 'no such instance' });
  });
  app.post('/instances', async (req, reply) => {
    const body = SeedInstanceBody.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    const b = body.data;
    const inst = engine.instances.create({
      tenant: b.tenant,
      name: b.name,
      ...(b.id ? { id: b.id } : {}),
      initialState: b.state ?? 'running',
      ...(b.tags ? { tags: b.tags } : {}),
      ...(b.attrs ? { attrs: b.attrs } : {}),
    });
    return reply.code(201).send(view(inst));
  });
  app.post<{ Params: { id: string } }>('/instances/:id/force', async (req, reply) => {
    const body = ForceBody.safeParse(req.body);
    if (!body.success) return invalid(reply, body.error);
    const { state, status, to, inMs } = body.data;
    let neutral = state;
    if (status !== undefined) {
      const mapped = opts.stateOfRawStatus?.(status);
      if (!mapped) return reply.code(400).send({ error: `unknown platform status ${status}` });
      neutral ??= mapped;
    }
    const inst = engine.instances.force(req.params.id, {
      ...(neutral ? { state: neutral } : {}),
      rawStatus: status ?? null,
      ...(to ? { to, inMs: inMs ?? 0 } : {}),
    });
    if (!inst) return to === 'gone' ? reply.code(204).send() : reply.code(404).send({ error: 'no such instance' });
    return view(inst);
  });

  app.get('/jobs', async (req) => ({ items: engine.jobs.list((req.query as { tenant?: string }).tenant) }));

  app.post('/clock', async (req, reply) => {
    const body = ClockBody.safeParse(req.body ?? {});
    if (!body.success) return invalid(reply, body.error);
    if (!isManualClock(engine.clock)) return reply.code(409).send({ error: 'the simulator runs on the real clock' });
    if (body.data.setMs !== undefined) engine.clock.set(body.data.setMs);
    if (body.data.advanceMs !== undefined) engine.clock.advance(body.data.advanceMs);
    return { now: engine.clock.now() };
  });

  app.post('/tokens/expire', async () => ({ expired: engine.tokens.expireAll() }));
  app.post('/tokens/revoke', async () => ({ revoked: engine.tokens.revokeAll() }));

  opts.extend?.(app);
};
