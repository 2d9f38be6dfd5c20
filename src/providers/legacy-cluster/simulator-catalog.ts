/**
 * Per-backend catalog lookups of the legacy cluster simulator, ops 16–25 under
 * `/v1/instance/<word>/…`. Each answers what its driver's SDK returns (AWS-SDK-shaped VPCs,
 * subnets, images and security groups); an unknown driver is 10999 (A31).
 */
import type { FastifyInstance } from 'fastify';
import { CODE, type LegacyContext, MSG, failure, ok, unknownDriver } from './simulator-context.ts';
import type { BackendSeed, ImageSeed } from './simulator-seed.ts';
import { LEGACY_OPS } from './simulator-ops.ts';

type P = { provider: string };
type PR = P & { regionId: string };

function renderImage(i: ImageSeed) {
  return {
    Architecture: i.Architecture,
    BlockDeviceMappings: null,
    CreationDate: i.CreationDate,
    Description: i.Description,
    EnaSupport: false,
    Hypervisor: '',
    ImageId: i.ImageId,
    ImageLocation: '',
    ImageOwnerAlias: '',
    ImageType: '',
    KernelId: '',
    Name: i.Name,
    OwnerId: i.OwnerId,
    Platform: '',
    ProductCodes: [{ ProductCodeId: '', ProductCodeType: '' }],
    Public: i.Public,
    RamdiskId: '',
    RootDeviceName: '',
    RootDeviceType: '',
    SriovNetSupport: '',
    State: 'Available',
    StateReason: { Code: '', Message: '' },
    Tags: null,
    VirtualizationType: '',
  };
}

export function registerCatalogRoutes(app: FastifyInstance, ctx: LegacyContext): void {
  /** Runs `answer` with the named driver, or answers the unknown-driver error. */
  const withDriver =
    <Params extends P>(answer: (b: BackendSeed, params: Params) => unknown) =>
    async (req: { params: Params }) => {
      const backend = ctx.settings.backends[req.params.provider];
      return backend ? ok(answer(backend, req.params)) : unknownDriver(req.params.provider);
    };

  // A31: with no driver configured the provider table is empty: the not-found of this op.
  app.get('/v1/instance/provider', { config: { simOp: LEGACY_OPS[16] } }, async () => {
    const names = Object.keys(ctx.settings.backends);
    return names.length > 0 ? ok(names) : failure(CODE.missing, MSG.noRow);
  });

  app.get<{ Params: P }>(
    '/v1/instance/regions/:provider',
    { config: { simOp: LEGACY_OPS[17] } },
    withDriver((b) => b.regions.map((r) => ({ Endpoint: r.Endpoint, RegionName: r.RegionName }))),
  );

  // The zone's display name travels in `RegionName`, as the document shows.
  app.get<{ Params: PR }>(
    '/v1/instance/zones/:provider/:regionId',
    { config: { simOp: LEGACY_OPS[18] } },
    withDriver((b, p) =>
      b.zones
        .filter((z) => z.region === p.regionId)
        .map((z) => ({ Messages: null, RegionName: z.label, State: '', ZoneName: z.ZoneName })),
    ),
  );

  app.get<{ Params: PR }>(
    '/v1/instance/vpc/:provider/:regionId',
    { config: { simOp: LEGACY_OPS[19] } },
    withDriver((b, p) =>
      b.vpcs
        .filter((v) => v.region === p.regionId)
        .map((v) => ({
          CidrBlock: v.CidrBlock,
          DhcpOptionsId: '',
          InstanceTenancy: '',
          IsDefault: v.IsDefault,
          State: 'Available',
          Tags: null,
          VpcId: v.VpcId,
        })),
    ),
  );

  // Subnets are looked up by zone and VPC, not region (the path, not the description, decides).
  app.get<{ Params: P & { zoneId: string; vpcId: string } }>(
    '/v1/instance/subnet/:provider/:zoneId/:vpcId',
    { config: { simOp: LEGACY_OPS[20] } },
    withDriver((b, p) =>
      b.subnets
        .filter((s) => s.AvailabilityZone === p.zoneId && s.VpcId === p.vpcId)
        .map((s) => ({
          AvailabilityZone: s.AvailabilityZone,
          AvailableIpAddressCount: s.AvailableIpAddressCount,
          CidrBlock: s.CidrBlock,
          DefaultForAz: s.DefaultForAz,
          MapPublicIpOnLaunch: s.MapPublicIpOnLaunch,
          State: 'Available',
          SubnetId: s.SubnetId,
          Tags: null,
          VpcId: s.VpcId,
        })),
    ),
  );

  // A32: labels only; creates accept a label or the backend's type code.
  app.get<{ Params: P }>(
    '/v1/instance/type/:provider',
    { config: { simOp: LEGACY_OPS[21] } },
    withDriver((b) => b.instanceTypes.map((t) => t.label)),
  );

  app.get<{ Params: P }>(
    '/v1/instance/charge/:provider',
    { config: { simOp: LEGACY_OPS[22] } },
    withDriver((b) => [...b.chargeTypes]),
  );

  app.get<{ Params: P }>(
    '/v1/instance/disk_category/:provider',
    { config: { simOp: LEGACY_OPS[23] } },
    withDriver((b) => [...b.diskCategories]),
  );

  app.get<{ Params: PR }>(
    '/v1/instance/image/:provider/:regionId',
    { config: { simOp: LEGACY_OPS[24] } },
    withDriver((b, p) => b.images.filter((i) => i.region === p.regionId).map(renderImage)),
  );

  app.get<{ Params: PR }>(
    '/v1/instance/security_group/:provider/:regionId',
    { config: { simOp: LEGACY_OPS[25] } },
    withDriver((b, p) =>
      b.securityGroups
        .filter((g) => g.region === p.regionId)
        .map((g) => ({
          Description: g.Description,
          GroupId: g.GroupId,
          GroupName: g.GroupName,
          IpPermissions: null,
          IpPermissionsEgress: null,
          OwnerId: '',
          Tags: null,
          VpcId: g.VpcId,
        })),
    ),
  );
}
