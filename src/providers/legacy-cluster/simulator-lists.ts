/**
 * Machine lists and logs of the legacy cluster simulator: op 26 (running machines), op 27
 * (machines of a template), op 28 (log lines of a correlation id and machine) and op 29 (every
 * log line of a machine). No paging: each answers the whole array (A33, A34).
 */
import type { FastifyInstance } from 'fastify';
import { type SimInstance, groupMembers } from '../../sim/index.ts';
import { CODE, type LegacyContext, MSG, TENANT, atoi, failure, ok } from './simulator-context.ts';
import type { LogLine } from './simulator-logs.ts';
import { renderInstance, rfc3339 } from './simulator-render.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

const byRow = (a: SimInstance, b: SimInstance): number => (a.attrs.Id as number) - (b.attrs.Id as number);

export function registerListRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  const { engine } = ctx;

  // A33: "running machines" means running unless the simulator is told to list every machine.
  app.get('/v1/instance/list', { config: { simOp: LEGACY_OPS[26] } }, async () => {
    const page = engine.instances.list(TENANT, {
      ...(ctx.settings.listAll ? {} : { filter: (i: SimInstance) => i.state === 'running' }),
    });
    const items = page.ok ? page.items : [];
    return ok([...items].sort(byRow).map((i) => renderInstance(ctx, i)));
  });

  // Template-less machines are group 0 (A24); an unknown template has no machines.
  app.get<{ Params: { clusterId: string } }>(
    '/v1/instance/cluster/:clusterId',
    { config: { simOp: LEGACY_OPS[27] } },
    async (req) => {
      const id = atoi(req.params.clusterId);
      if (id === undefined) return failure(CODE.input, MSG.input);
      const now = engine.clock.now();
      const members = groupMembers(engine, TENANT, String(id)).filter((i) => i.visibleAt <= now);
      return ok(members.sort(byRow).map((i) => renderInstance(ctx, i)));
    },
  );

  const renderLine = (l: LogLine) => ({
    Id: l.Id,
    CorrelationId: l.CorrelationId,
    InstanceId: l.InstanceId,
    Level: l.Level,
    Message: l.Message,
    CreateTime: rfc3339(l.at, ctx.settings.utcOffsetMinutes),
  });
  const badSegment = (s: string): boolean => s === '' || s.length > 255;
  /** A34: a machine the broker never knew has no log rows to marshal: the documented code-0 failure. */
  const unknown = (instanceId: string): boolean =>
    !ctx.state.logs.knows(instanceId) && !engine.instances.get(TENANT, instanceId, { includeLagging: true });

  app.get<{ Params: { correlationId: string; instanceId: string } }>(
    '/v1/instance/log/:correlationId/:instanceId',
    { config: { simOp: LEGACY_OPS[28] } },
    async (req) => {
      const { correlationId, instanceId } = req.params;
      if (badSegment(correlationId) || badSegment(instanceId)) return failure(CODE.input, MSG.input);
      if (unknown(instanceId)) return failure(CODE.ok, MSG.toJson);
      return ok(ctx.state.logs.forCorrelation(correlationId, instanceId).map(renderLine));
    },
  );

  app.get<{ Params: { instanceId: string } }>(
    '/v1/instance/log/:instanceId',
    { config: { simOp: LEGACY_OPS[29] } },
    async (req) => {
      const { instanceId } = req.params;
      if (badSegment(instanceId)) return failure(CODE.input, MSG.input);
      if (unknown(instanceId)) return failure(CODE.ok, MSG.toJson);
      return ok(ctx.state.logs.forInstance(instanceId).map(renderLine));
    },
  );
}
