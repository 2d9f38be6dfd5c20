/**
 * Machines the broker did not create, and its OpenStack settings: op 30 (PUT
 * /v1/instance/phydev, record a machine's info), op 31 (POST on the same path, register the
 * user's own machines, with a result per machine even when code is 0) and op 32 (set the
 * OpenStack connection). A35–A37.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CODE, type LegacyContext, MSG, TENANT, correlationIdOf, decode, failure, ok } from './simulator-context.ts';
import { IPV4 } from './simulator-ids.ts';
import { freshInstanceId, optionalCorrelationId, recordMachine } from './simulator-machines.ts';
import { type MachineAttrs, PHYSICAL, ZERO_MACHINE, machineOf } from './simulator-model.ts';
import { renderInstance } from './simulator-render.ts';
import { InstanceBody, SPEC_KEYS, typeOf } from './simulator-specs.ts';
import { LEGACY_OPS, REGISTER_ITEM_OP } from './simulator-ops.ts';

const RegisterItem = z.object({
  PublicIp: z.string().regex(IPV4),
  PrivateIp: z.string().regex(IPV4),
  Password: z.string().min(1),
  Port: z.number().int().min(0).max(65535).nullish(),
});
const RegisterBody = z.object({ instancelist: z.array(RegisterItem).min(1) });
const REGISTER_KEYS = { instancelist: [{ PublicIp: null, PrivateIp: null, Password: null, Port: null }] } as const;

// A37: OpPort is a string on the wire; a JSON number fails Go's decoding like any wrong type.
const OpenstackBody = z.object({
  OpIP: z.string().min(1),
  OpPort: z
    .string()
    .regex(/^\d{1,5}$/)
    .refine((p) => Number(p) >= 1 && Number(p) <= 65535),
  OpUserName: z.string().min(1),
  OpPassword: z.string().min(1),
});

/** Platform fields of a machine that exists without a backend create. */
function bareMachine(ctx: LegacyContext, fields: Partial<MachineAttrs>): MachineAttrs {
  return {
    ...ZERO_MACHINE,
    Id: ctx.state.nextRowId++,
    ...fields,
  };
}

export function registerPhydevRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  const { engine } = ctx;

  // A35: no identity in the body, so each upload records a new machine of no template.
  app.put('/v1/instance/phydev', { config: { simOp: LEGACY_OPS[30] } }, async (req) => {
    const body = decode(InstanceBody, req.body, SPEC_KEYS);
    if (!body || body.DataDiskNum < 0 || body.DataDiskNum > 4) return failure(CODE.input, MSG.input);
    const backend = ctx.settings.backends[body.Provider];
    const type = backend ? typeOf(backend, body.InstanceType) : undefined;
    const attrs = bareMachine(ctx, {
      Provider: body.Provider,
      Cpu: type?.cpu ?? 0,
      Ram: type?.ram ?? 0,
      ImageId: body.ImageId,
      InstanceType: type?.code ?? body.InstanceType,
      VpcId: body.Network.VpcId,
      SubnetId: body.Network.SubnetId,
      SecurityGroupId: body.Network.SecurityGroup,
      RegionId: body.Zone.RegionName,
      ZoneId: body.Zone.ZoneName,
      DataDiskNum: body.DataDiskNum,
      DataDiskSize: body.DataDiskSize,
      DataDiskCategory: body.DataDiskCategory,
      SystemDiskCategory: body.SystemDiskCategory,
      CostWay: backend?.costWay ?? '',
    });
    const id = freshInstanceId(ctx, backend?.idStyle ?? 'aliyun');
    const inst = recordMachine(ctx, {
      id,
      attrs,
      initialState: 'running',
      correlationId: optionalCorrelationId(req.headers),
      message: `upload machine info of ${id} (${body.Provider})`,
    });
    return ok(renderInstance(ctx, inst));
  });

  app.post('/v1/instance/phydev', { config: { simOp: LEGACY_OPS[31] } }, async (req) => {
    const cid = correlationIdOf(req);
    if (!cid.ok) return cid.envelope;
    const body = decode(RegisterBody, req.body, REGISTER_KEYS);
    if (!body) return failure(CODE.input, MSG.input);
    const known = new Set(engine.instances.all(TENANT).map((i) => machineOf(i).PublicIpAddress));
    const errors: string[] = [];
    let success = 0;
    for (const item of body.instancelist) {
      // A36: one public IP, one machine; a fault rule on `instance.register.item` (key = the IP) fails one item.
      if (known.has(item.PublicIp)) {
        errors.push(`Instance: ${item.PublicIp} is already in DB`);
        continue;
      }
      const fault = engine.faults.check(REGISTER_ITEM_OP, item.PublicIp);
      if (fault) {
        errors.push(fault.message ?? `Instance: ${item.PublicIp} could not be registered`);
        continue;
      }
      known.add(item.PublicIp);
      ctx.state.ips.add(item.PublicIp);
      const attrs = bareMachine(ctx, {
        Provider: PHYSICAL,
        clusterId: ctx.physicalTemplateId,
        Cpu: 1,
        Ram: 1,
        PrivateIpAddress: item.PrivateIp,
        PublicIpAddress: item.PublicIp,
        port: item.Port ?? 0,
      });
      const id = freshInstanceId(ctx, 'aliyun');
      recordMachine(ctx, {
        id,
        attrs,
        initialState: 'running',
        correlationId: cid.id,
        message: `register machine ${item.PublicIp} as ${id}`,
      });
      success++;
    }
    return ok({ success, failed: errors.length, errors });
  });

  app.post('/v1/instance/openstack', { config: { simOp: LEGACY_OPS[32] } }, async (req) => {
    const body = decode(OpenstackBody, req.body, { OpIP: null, OpPort: null, OpUserName: null, OpPassword: null });
    if (!body) return failure(CODE.input, MSG.input);
    ctx.state.openstack = body;
    // The password is kept, never answered back.
    return ok({ OpIP: body.OpIP, OpPort: body.OpPort, OpUserName: body.OpUserName, OpPassword: '******' });
  });
}
