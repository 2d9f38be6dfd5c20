/**
 * SSH keys of the legacy cluster simulator (A29, A30): op 14 downloads the key file the
 * broker holds for the machine with an IP (a raw file, not an envelope), op 15 uploads one
 * for a machine (or has the broker generate one). Cloud machines get a generated key when
 * they are created; registered machines have none until one is uploaded.
 */
import type { FastifyInstance } from 'fastify';
import { CODE, type LegacyContext, MSG, TENANT, UnreadableBody, failure, ok } from './simulator-context.ts';
import { generateKey } from './simulator-ids.ts';
import { machineOf } from './simulator-model.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

export function registerKeyRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  const { engine } = ctx;
  const noRow = failure(CODE.missing, MSG.noRow);

  app.get<{ Params: { ip: string } }>(
    '/v1/instance/sshkey/:ip',
    { config: { simOp: LEGACY_OPS[14] } },
    async (req, reply) => {
      const ip = req.params.ip;
      const inst = engine.instances
        .all(TENANT)
        .find((i) => ip !== '' && (machineOf(i).PublicIpAddress === ip || machineOf(i).PrivateIpAddress === ip));
      const key = inst ? ctx.state.keys.get(inst.id) : undefined;
      if (key === undefined) return noRow;
      return reply
        .header('content-type', 'application/x-pem-file')
        .header('content-disposition', `attachment; filename="${ip}.pem"`)
        .send(key);
    },
  );

  app.put<{ Params: { instanceId: string } }>(
    '/v1/instance/sshkey/:instanceId',
    { config: { simOp: LEGACY_OPS[15] } },
    async (req) => {
      const inst = engine.instances.get(TENANT, req.params.instanceId);
      if (!inst) return noRow;
      const body: unknown = req.body;
      let key: string;
      if (body === undefined || body === '') key = generateKey(engine.random('platform'));
      else if (typeof body === 'string') key = body;
      else if (body instanceof UnreadableBody) key = body.text;
      else return failure(CODE.input, MSG.input);
      ctx.state.keys.set(inst.id, key);
      return ok(key);
    },
  );
}
