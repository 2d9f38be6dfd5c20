/**
 * Operations that change the broker or touch key material: status bookkeeping, SSH keys,
 * machine info upload, registration of own machines and the OpenStack connection (ops 12, 14,
 * 15, 30–32). Passwords and keys are write-only (A65): an output never carries one.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ProviderInstance } from '../../domain/instance.ts';
import { checkCorrelationId, newCorrelationId } from './client.ts';
import { stripSecrets, toInstance } from './mapping.ts';
import { define, read } from './operation-kit.ts';
import { PATHS, routableInstanceId } from './paths.ts';
import { WireInstance, WireRegisterSummary } from './wire.ts';

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
/** A public key line (OpenSSH) is no secret; anything else the broker returns as "key content" might be. */
const PUBLIC_KEY = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-[a-z0-9]+|sk-[a-z0-9@.-]+) [A-Za-z0-9+/=]+( .*)?$/;

const Ip = z.union([z.ipv4(), z.ipv6()]);
const Secret = z.string().min(1).max(256).describe('write-only: never logged or returned');

const MachineInfo = z.object({
  provider: z.string().min(1).max(32).optional().describe("the account's backend by default"),
  instanceType: z.string().min(1).max(128),
  imageId: z.string().min(1).max(256),
  region: z.string().min(1).max(128).optional(),
  zone: z.string().min(1).max(128),
  vpcId: z.string().max(128).default(''),
  subnetId: z.string().max(128).default(''),
  securityGroupId: z.string().max(128).default(''),
  internetChargeType: z.string().max(64).optional(),
  internetMaxBandwidthOut: z.number().int().min(0).max(10_000).optional(),
  systemDiskCategory: z.string().min(1).max(64),
  dataDisk: z.object({
    sizeGiB: z.number().int().min(0).max(65_536),
    count: z.number().int().min(0).max(16),
    category: z.string().max(64),
  }),
});

export const writeOperations = [
  define({
    name: 'instances.set_status',
    op: 12,
    summary: "Writes a machine's status integer in the broker's records (op 12); no cloud action follows.",
    input: z.object({
      instanceId: z.string().min(1).max(128),
      status: z.number().int().min(-2147483648).max(2147483647),
    }),
    output: z.object({ updated: z.number().int() }),
    async run(ctx, input) {
      const updated = await ctx.client.content(
        {
          method: 'POST',
          path: PATHS.setStatus,
          operation: 'operations.instances.set_status',
          // Writing the same value twice leaves the same record.
          idempotent: true,
          json: {
            InstanceId: routableInstanceId('operations.instances.set_status', input.instanceId),
            Status: input.status,
          },
        },
        z.union([z.number().int(), z.boolean()]),
      );
      return { updated: typeof updated === 'number' ? updated : updated ? 1 : 0 };
    },
  }),
  define({
    name: 'sshkeys.download',
    op: 14,
    summary:
      'Checks that the broker holds the private key of a machine address (op 14). The key is a secret and never ' +
      'leaves the adapter: only its SHA-256 and size are returned.',
    input: z.object({ ip: Ip }),
    output: z.object({ ip: z.string(), sha256: z.string(), bytes: z.number().int() }),
    async run(ctx, input) {
      const key = await ctx.client.raw(read(PATHS.sshKeyByIp(input.ip), 'sshkeys.download'));
      return { ip: input.ip, sha256: sha256(key), bytes: Buffer.byteLength(key, 'utf8') };
    },
  }),
  define({
    name: 'sshkeys.upload',
    op: 15,
    summary:
      "Has the broker put a key on a machine (op 15, sent without a body as the document's example). The key it " +
      'answers with is returned only when it is a public key.',
    input: z.object({ instanceId: z.string().min(1).max(128) }),
    output: z.object({ instanceId: z.string(), publicKey: z.string().nullable(), sha256: z.string() }),
    async run(ctx, input) {
      const id = routableInstanceId('operations.sshkeys.upload', input.instanceId);
      const content = await ctx.client.content(
        { method: 'PUT', path: PATHS.sshKeyOf(id), operation: 'operations.sshkeys.upload', idempotent: false },
        z.unknown(),
      );
      const text = typeof content === 'string' ? content : JSON.stringify(content ?? null);
      return { instanceId: id, publicKey: PUBLIC_KEY.test(text.trim()) ? text.trim() : null, sha256: sha256(text) };
    },
  }),
  define({
    name: 'machines.upload_info',
    op: 30,
    summary: "Uploads a machine's description to the broker's database (op 30, body as documented).",
    input: MachineInfo,
    output: z.object({ instance: ProviderInstance.nullable(), content: z.unknown() }),
    async run(ctx, input) {
      const { options } = ctx;
      const content = await ctx.client.content(
        {
          method: 'PUT',
          path: PATHS.phydev,
          operation: 'operations.machines.upload_info',
          idempotent: false,
          json: {
            Provider: input.provider ?? options.backend,
            InstanceType: input.instanceType,
            ImageId: input.imageId,
            Network: {
              Id: 0,
              VpcId: input.vpcId,
              SubnetId: input.subnetId,
              SecurityGroup: input.securityGroupId,
              InternetChargeType: input.internetChargeType ?? options.internetChargeType ?? '',
              InternetMaxBandwidthOut: input.internetMaxBandwidthOut ?? options.internetMaxBandwidthOut,
            },
            Zone: { Id: 0, RegionName: input.region ?? options.region, ZoneName: input.zone },
            SystemDiskCategory: input.systemDiskCategory,
            DataDiskSize: input.dataDisk.sizeGiB,
            DataDiskNum: input.dataDisk.count,
            DataDiskCategory: input.dataDisk.category,
          },
        },
        z.unknown(),
      );
      // The answer is "machine info" (A71): a machine record when it reads as one.
      const machine = WireInstance.safeParse(content);
      return {
        instance: machine.success ? toInstance(machine.data, options.statusMap) : null,
        content: stripSecrets(content) ?? null,
      };
    },
  }),
  define({
    name: 'machines.register',
    op: 31,
    summary:
      'Registers own machines by address and login password (op 31); per machine outcome. Fails when none was ' +
      'registered (A45). Passwords are write-only.',
    input: z.object({
      machines: z
        .array(
          z.object({
            publicIp: Ip,
            privateIp: Ip,
            password: Secret,
            port: z.number().int().min(0).max(65_535).default(0).describe('SSH port; 0 = the default'),
          }),
        )
        .min(1)
        .max(200),
      correlationId: z.string().min(1).max(200).optional(),
    }),
    output: z.object({
      correlationId: z.string(),
      registered: z.number().int(),
      failed: z.number().int(),
      errors: z.array(z.string()),
    }),
    async run(ctx, input) {
      const correlationId = checkCorrelationId(
        'operations.machines.register',
        input.correlationId ?? newCorrelationId(),
      );
      const summary = await ctx.client.content(
        {
          method: 'POST',
          path: PATHS.phydev,
          operation: 'operations.machines.register',
          idempotent: false,
          correlationId,
          // The example's spelling (PublicIp, not the table's PublicIP) inside `instancelist` (defect 52).
          json: {
            instancelist: input.machines.map((m) => ({
              PublicIp: m.publicIp,
              PrivateIp: m.privateIp,
              Password: m.password,
              Port: m.port,
            })),
          },
        },
        WireRegisterSummary,
      );
      return { correlationId, registered: summary.success, failed: summary.failed, errors: summary.errors };
    },
  }),
  define({
    name: 'openstack.configure',
    op: 32,
    summary: "Sets the broker's OpenStack connection (op 32). The password is write-only.",
    input: z.object({
      ip: z.string().min(1).max(255).describe('host name or address'),
      port: z.union([z.number().int().min(1).max(65_535), z.string().regex(/^\d{1,5}$/)]),
      userName: z.string().min(1).max(128),
      password: Secret,
    }),
    output: z.object({ ip: z.string(), port: z.string(), userName: z.string(), configured: z.literal(true) }),
    async run(ctx, input) {
      const port = String(input.port);
      await ctx.client.content(
        {
          method: 'POST',
          path: PATHS.openstack,
          operation: 'operations.openstack.configure',
          idempotent: true,
          // OpPort is a string on the wire (defect 55).
          json: { OpIP: input.ip, OpPort: port, OpUserName: input.userName, OpPassword: input.password },
        },
        z.unknown(),
      );
      // The broker echoes the config, password included: only what the caller sent, minus the password, goes back.
      return { ip: input.ip, port, userName: input.userName, configured: true as const };
    },
  }),
];
