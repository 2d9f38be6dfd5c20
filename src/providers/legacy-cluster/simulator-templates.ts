/**
 * Template ("cluster") routes of the legacy cluster simulator: op 1 list, op 2 get, op 3
 * create, op 4 delete and op 5 expand — the platform's native group scaling, which creates N
 * machines from a stored template in one call (engine `expandGroup`).
 */
import type { FastifyInstance } from 'fastify';
import { expandGroup } from '../../sim/index.ts';
import {
  CODE,
  type LegacyContext,
  MSG,
  TENANT,
  atoi,
  correlationIdOf,
  decode,
  failure,
  ok,
  rangeMessage,
  unknownDriver,
} from './simulator-context.ts';
import { generateKey } from './simulator-ids.ts';
import { freshInstanceId } from './simulator-machines.ts';
import { type TemplateRecord, liveTemplates, putTemplate, templateOf } from './simulator-model.ts';
import { renderTemplate } from './simulator-render.ts';
import { SPEC_KEYS, TemplateBody, newMachine, place, typeOf } from './simulator-specs.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

type ClusterParams = { clusterId: string };
type ExpandParams = ClusterParams & { number: string };

const MAX_DATA_DISKS = 4;

export function registerTemplateRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  const { engine } = ctx;

  // A9: an empty list is `[]`; soft-deleted templates are not listed.
  app.get('/v1/cluster', { config: { simOp: LEGACY_OPS[1] } }, async () =>
    ok(liveTemplates(engine).map((t) => renderTemplate(ctx, t))),
  );

  app.get<{ Params: ClusterParams }>('/v1/cluster/:clusterId', { config: { simOp: LEGACY_OPS[2] } }, async (req) => {
    // A10: the table's 12966 is read as the example's 12996.
    const id = atoi(req.params.clusterId);
    if (id === undefined) return failure(CODE.input, MSG.input);
    const t = templateOf(engine, id);
    if (!t || t.deletedAt !== null) return failure(CODE.serviceError, MSG.noRow);
    return ok(renderTemplate(ctx, t));
  });

  app.post('/v1/cluster', { config: { simOp: LEGACY_OPS[3] } }, async (req) => {
    const body = decode(TemplateBody, req.body, SPEC_KEYS);
    if (!body) return failure(CODE.input, MSG.input);
    if (body.DataDiskNum <= 0 || body.DataDiskNum > MAX_DATA_DISKS)
      return failure(CODE.range, rangeMessage('DataDiskNum', MAX_DATA_DISKS));
    const backend = ctx.settings.backends[body.Provider];
    if (!backend) return unknownDriver(body.Provider);
    const { state } = ctx;
    // A11: Cpu/Ram as sent when set, else what the backend says of the type (a label may name none).
    const type = typeOf(backend, body.InstanceType);
    const t: TemplateRecord = {
      Id: state.nextTemplateId++,
      Name: body.Name,
      Provider: body.Provider,
      LastestPartNum: 0,
      Desc: body.Desc,
      Cpu: body.Cpu > 0 ? body.Cpu : (type?.cpu ?? 0),
      Ram: body.Ram > 0 ? body.Ram : (type?.ram ?? 0),
      InstanceType: body.InstanceType,
      ImageId: body.ImageId,
      PostScript: body.PostScript,
      KeyName: body.KeyName,
      Network: { ...body.Network, Id: state.nextNetworkId++ },
      Zone: { ...body.Zone, Id: state.nextZoneId++ },
      Replication: body.Replication,
      SystemDiskCategory: body.SystemDiskCategory,
      DataDiskSize: body.DataDiskSize,
      DataDiskNum: body.DataDiskNum,
      DataDiskCategory: body.DataDiskCategory,
      FlavorId: body.FlavorId,
      createdAt: engine.clock.now(),
      deletedAt: null,
    };
    putTemplate(engine, t);
    return ok(t.Id);
  });

  app.delete<{ Params: ClusterParams }>('/v1/cluster/:clusterId', { config: { simOp: LEGACY_OPS[4] } }, async (req) => {
    const id = atoi(req.params.clusterId);
    if (id === undefined) return failure(CODE.input, MSG.input);
    const t = templateOf(engine, id);
    // A13: soft delete; the broker keeps the template its registered machines hang on.
    if (!t || t.deletedAt !== null || id === ctx.physicalTemplateId)
      return failure(CODE.serviceError, MSG.deleteCluster);
    putTemplate(engine, { ...t, deletedAt: engine.clock.now() });
    return ok(true);
  });

  app.post<{ Params: ExpandParams }>(
    '/v1/cluster/:clusterId/expand/:number',
    { config: { simOp: LEGACY_OPS[5] } },
    async (req) => {
      const cid = correlationIdOf(req);
      if (!cid.ok) return cid.envelope;
      const id = atoi(req.params.clusterId);
      const count = atoi(req.params.number);
      if (id === undefined || count === undefined) return failure(CODE.input, MSG.input);
      // A15: the count gets the same range wording as DataDiskNum.
      const max = ctx.settings.maxExpand;
      if (count <= 0 || count > max) return failure(CODE.range, rangeMessage('number', max));
      // A14: the body must be a template, but the machines are made from the stored one.
      const body = decode(TemplateBody, req.body, SPEC_KEYS);
      if (!body) return failure(CODE.input, MSG.input);
      if (body.DataDiskNum <= 0 || body.DataDiskNum > MAX_DATA_DISKS)
        return failure(CODE.range, rangeMessage('DataDiskNum', MAX_DATA_DISKS));
      const t = templateOf(engine, id);
      if (!t || t.deletedAt !== null) return failure(CODE.serviceError, MSG.noRow);
      const placed = place(ctx, t);
      if (!('placement' in placed)) return placed;
      const { placement } = placed;
      // A17: no deduplication by correlation id; each call makes new machines.
      const job = expandGroup(engine, {
        tenant: TENANT,
        group: String(id),
        count,
        nameOf: (n) => `c${id}-${cid.id}-${n + 1}`,
        idOf: () => freshInstanceId(ctx, placement.backend.idStyle),
        attrsOf: () => ({ ...newMachine(ctx, t, placement, id) }),
      });
      const ids = (job.attrs.instanceIds as string[] | undefined) ?? [];
      const now = engine.clock.now();
      ids.forEach((instanceId, n) => {
        ctx.state.keys.set(instanceId, generateKey(engine.random('platform')));
        ctx.state.ledger.open(instanceId, t.Provider, now);
        ctx.state.logs.write({
          CorrelationId: cid.id,
          InstanceId: instanceId,
          Level: 'info',
          Message: `expand cluster ${id}: create instance ${instanceId} (${n + 1}/${count}) at ${t.Provider} ${t.Zone.ZoneName}`,
          at: now,
        });
      });
      return ok(ids, id);
    },
  );
}
