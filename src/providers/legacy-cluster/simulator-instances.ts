/**
 * Machine routes of the legacy cluster simulator: op 8 create one, op 9 get, op 10 start
 * (a GET, at the `/v1/start` root), op 11 status and op 12 set status (at `/v1/status`), and
 * op 13 batch delete. Static `/v1/instance/<word>` routes of other modules win over the
 * `:instanceId` patterns here (find-my-way prefers static segments, as the catalog requires).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { SimInstance } from '../../sim/index.ts';
import { CODE, type LegacyContext, MSG, TENANT, correlationIdOf, decode, failure, ok } from './simulator-context.ts';
import { generateKey } from './simulator-ids.ts';
import { freshInstanceId, optionalCorrelationId, recordMachine } from './simulator-machines.ts';
import { PHYSICAL, machineOf } from './simulator-model.ts';
import { renderInstance, renderStatusItem } from './simulator-render.ts';
import { neutralOfStatus } from './simulator-status.ts';
import { InstanceBody, SPEC_KEYS, newMachine, place } from './simulator-specs.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

type IdParams = { instanceId: string };

const StatusBody = z.object({ InstanceId: z.string().min(1), Status: z.number().int().safe() });

/** A27/A28: several ids share one path segment, comma-separated; blanks and repeats dropped. */
export function idList(segment: string | undefined): string[] {
  return [
    ...new Set(
      (segment ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

export function registerInstanceRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  const { engine } = ctx;
  const find = (id: string): SimInstance | undefined => engine.instances.get(TENANT, id);

  app.post('/v1/instance', { config: { simOp: LEGACY_OPS[8] } }, async (req) => {
    // A24: this op's input error has no "!" and allows 0..4 data disks.
    const body = decode(InstanceBody, req.body, SPEC_KEYS);
    if (!body || body.DataDiskNum < 0 || body.DataDiskNum > 4) return failure(CODE.input, MSG.inputBare);
    const placed = place(ctx, body);
    if (!('placement' in placed)) return placed;
    const attrs = newMachine(ctx, body, placed.placement, 0);
    const id = freshInstanceId(ctx, placed.placement.backend.idStyle);
    recordMachine(ctx, {
      id,
      attrs,
      correlationId: optionalCorrelationId(req.headers),
      message: `create instance ${id} at ${body.Provider} ${body.Zone.ZoneName}`,
    });
    ctx.state.keys.set(id, generateKey(engine.random('platform')));
    return ok(attrs.PrivateIpAddress);
  });

  // A25: a call without the id segment is the documented "missing parameter".
  const missing = async () => failure(CODE.missing, MSG.missing);
  app.get('/v1/instance', { config: { simOp: LEGACY_OPS[9] } }, missing);
  app.get('/v1/start', { config: { simOp: LEGACY_OPS[10] } }, missing);
  app.get('/v1/status', { config: { simOp: LEGACY_OPS[11] } }, missing);

  app.get<{ Params: IdParams }>('/v1/instance/:instanceId', { config: { simOp: LEGACY_OPS[9] } }, async (req) => {
    if (req.params.instanceId === '') return failure(CODE.missing, MSG.missing);
    const inst = find(req.params.instanceId);
    return inst ? ok(renderInstance(ctx, inst)) : failure(CODE.serviceError, MSG.getOne);
  });

  // A26: one id; starting a machine that runs is a no-op, a machine that cannot start says false.
  app.get<{ Params: IdParams }>('/v1/start/:instanceId', { config: { simOp: LEGACY_OPS[10] } }, async (req) => {
    if (req.params.instanceId === '') return failure(CODE.missing, MSG.missing);
    const cannot = failure(CODE.serviceError, MSG.start, false);
    const inst = find(req.params.instanceId);
    if (!inst) return cannot;
    if (inst.state === 'running' || inst.state === 'starting') return ok(true);
    if (inst.state !== 'stopped' || machineOf(inst).Provider === PHYSICAL) return cannot;
    const r = engine.instances.act(TENANT, inst.id, 'start');
    if (!r.ok) return cannot;
    ctx.state.logs.write({
      CorrelationId: optionalCorrelationId(req.headers),
      InstanceId: inst.id,
      Level: 'info',
      Message: `start instance ${inst.id}`,
      at: engine.clock.now(),
    });
    return ok(true);
  });

  // A27: an IN query — unknown ids are simply absent from the array.
  app.get<{ Params: IdParams }>('/v1/status/:instanceId', { config: { simOp: LEGACY_OPS[11] } }, async (req) => {
    const ids = idList(req.params.instanceId);
    if (ids.length === 0) return failure(CODE.missing, MSG.missing);
    const found = ids.map(find).filter((i): i is SimInstance => i !== undefined);
    return ok(found.map(renderStatusItem));
  });

  app.post('/v1/status', { config: { simOp: LEGACY_OPS[12] } }, async (req) => {
    const body = decode(StatusBody, req.body, { InstanceId: null, Status: null });
    if (!body) return failure(CODE.input, MSG.inputBare);
    const inst = find(body.InstanceId);
    if (!inst) return failure(CODE.serviceError, MSG.updateStatus, false);
    setStatus(ctx, inst, body.Status);
    return ok(1);
  });

  const deleteMany = async (req: FastifyRequest<{ Params: Partial<{ instanceIds: string }> }>) => {
    const cid = correlationIdOf(req);
    if (!cid.ok) return cid.envelope;
    const ids = idList(req.params.instanceIds);
    if (ids.length === 0) return failure(CODE.missing, MSG.missing);
    const machines = ids.map(find);
    // A28: one unknown id refuses the whole batch before any machine is touched.
    if (machines.some((m) => m === undefined)) return failure(CODE.missing, MSG.noRow);
    const now = engine.clock.now();
    for (const inst of machines as SimInstance[]) {
      const r = engine.instances.act(TENANT, inst.id, 'delete');
      if (r.ok) ctx.state.ledger.close(inst.id, r.instance.pending?.at ?? now);
      ctx.state.logs.write({
        CorrelationId: cid.id,
        InstanceId: inst.id,
        Level: 'info',
        Message: `delete instance ${inst.id}`,
        at: now,
      });
    }
    return ok(null);
  };
  app.delete('/v1/instance', { config: { simOp: LEGACY_OPS[13] } }, deleteMany);
  app.delete('/v1/instance/:instanceIds', { config: { simOp: LEGACY_OPS[13] } }, deleteMany);
}

/**
 * A8: op 12 is a bookkeeping write. A value of the status table moves the machine to that
 * state (cancelling a pending transition, unless it is the same state or a delete in
 * flight); any other integer is stored and reported as is. The written value stands until
 * the machine's state changes (a boot landing, a start, a delete).
 */
function setStatus(ctx: LegacyContext, inst: SimInstance, status: number): void {
  const now = ctx.engine.clock.now();
  const raw = String(status);
  const target = neutralOfStatus(raw);
  const pending = inst.pending;
  const keep = pending && (inst.state === 'deleting' || target === undefined || target === inst.state);
  const after = ctx.engine.instances.force(inst.id, {
    ...(target && inst.state !== 'deleting' ? { state: target } : {}),
    rawStatus: raw,
    ...(keep && pending ? { to: pending.to, inMs: Math.max(0, pending.at - now) } : {}),
  });
  if (after) ctx.engine.instances.update(after.id, { attrs: { statusSet: { value: raw, state: after.state } } });
}
