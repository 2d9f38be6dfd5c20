/**
 * Quotas (#63–#65), physical hosts (#78), alarms (#79) and storage pools (#80). Quota amounts
 * are documented as long/int and come out as numbers; everything else is text.
 */
import { z } from 'zod';
import { hostStateName } from './statuses.ts';
import { WireNumber } from './wire.ts';
import {
  Accepted,
  Id,
  Paging,
  Text,
  accepted,
  define,
  firstObject,
  listOutput,
  pagingParam,
  record,
  searchRecords,
  toParam,
} from './operation-kit.ts';

const Amount = z.number().nullable();
const amount = (v: unknown): number | null => {
  const parsed = WireNumber.safeParse(v);
  return parsed.success ? parsed.data : null;
};

const HOST = record({
  id: 'host.id',
  name: 'host.name',
  description: 'host.desc',
  state: 'host.state',
  connected: 'host.isconnected',
  createdAt: 'host.createtime',
  registerAddress: 'host.register.address',
  registered: 'host.authentication',
  maintenance: 'host.ismending',
  osProduct: 'host.os.product',
  osBits: 'host.os.bit',
  // D11: spelled `versoin` in the document.
  osVersion: 'host.os.versoin',
  virtVersion: 'host.virt.versoin',
  cpuVendor: 'host.cpu.vendor',
  cpuCores: 'host.cpu.num',
  cpuSockets: 'host.cpus',
  memoryGiB: 'host.mem.size',
});
const ALARM = record({
  id: 'alarm.id',
  type: 'alarm.type',
  level: 'alarm.level',
  objectId: 'alarm.objid',
  objectName: 'alarm.objname',
  objectType: 'alarm.obj.type',
  content: 'alarm.content',
  raisedAt: 'alarm.create.time',
  clearedAt: 'alarm.relieve.time',
  clearedBy: 'alarm.relieve.way',
});
const STORAGE = record({
  id: 'storage.id',
  name: 'storage.name',
  description: 'storage.desc',
  createdAt: 'storage.createtime',
  type: 'storage.type',
  thin: 'storage.thin',
  sizeGiB: 'storage.size',
  location: 'storage.location',
  use: 'storage.use.type',
  usedGiB: 'storage.usedsize',
  fileType: 'storage.file.type',
  access: 'storage.io.auth',
  cephMonitorIps: 'storage.ceph.monitorip',
});

const USABLE = ['cpu', 'memory', 'storage', 'outerIpSize', 'portGroupSize', 'oss'] as const;
const QUOTA = [
  'countCpu',
  'countMemory',
  'countStorage',
  'countOuterIpSize',
  'countPortGroupSize',
  'countOss',
] as const;
const QUOTA_NAMES = ['cpu', 'memoryMiB', 'storageGiB', 'externalIps', 'subnets', 'objectStorageGiB'] as const;
const Amounts = z.object(
  Object.fromEntries(QUOTA_NAMES.map((n) => [n, Amount])) as Record<(typeof QUOTA_NAMES)[number], typeof Amount>,
);

export const resourceOperations = [
  define({
    name: 'quotas.pool',
    summary: "The resource pool's total quota: cores, MiB, GiB and external IPs (#63).",
    input: z.object({}),
    output: z.object({ cpu: Amount, memoryMiB: Amount, storageGiB: Amount, externalIps: Amount }),
    async run(client) {
      const e = await client.call({
        method: 'POST',
        path: 'resourcequota/search',
        operation: 'operations.quotas.pool',
        idempotent: true,
        param: {},
      });
      const d = firstObject(e.data);
      return {
        cpu: amount(d.cpu),
        memoryMiB: amount(d.memory),
        storageGiB: amount(d.storage),
        externalIps: amount(d.ip),
      };
    },
  }),
  define({
    name: 'quotas.modify',
    summary: "Sets a tenant's quota (#64; every amount required).",
    input: z.object({
      tenantId: Id,
      cpu: z.number().int().min(0),
      memoryMiB: z.number().int().min(0),
      storageGiB: z.number().int().min(0),
      externalIps: z.number().int().min(0),
      subnets: z.number().int().min(0),
    }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'PUT',
        path: 'resourcequota/modify',
        operation: 'operations.quotas.modify',
        idempotent: true,
        param: toParam(input, {
          tenantId: 'tenantId',
          cpu: 'cpu',
          memoryMiB: 'memory',
          storageGiB: 'storage',
          externalIps: 'ip',
          subnets: 'vpc',
        }),
      });
      return accepted();
    },
  }),
  define({
    name: 'quotas.usable',
    summary: "A tenant's quota and what is still available of it (#65); used = quota − available.",
    input: z.object({ tenantId: Id }),
    output: z.object({ available: Amounts, quota: Amounts }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'resourcequota/usableQuota',
        operation: 'operations.quotas.usable',
        idempotent: true,
        param: { 'tenant.id': input.tenantId },
      });
      const d = firstObject(e.data);
      const pick = (keys: readonly string[]) =>
        Object.fromEntries(QUOTA_NAMES.map((n, i) => [n, amount(d[keys[i]!])])) as z.infer<typeof Amounts>;
      return { available: pick(USABLE), quota: pick(QUOTA) };
    },
  }),
  define({
    name: 'hosts.search',
    summary: 'Lists physical hosts (#78; id and IP exact); `stateName` reads the host state code (Appendix 3).',
    input: Paging.extend({ id: Text.optional(), ip: Text.optional() }),
    output: listOutput(HOST.schema.extend({ stateName: z.string().nullable() })),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudhost/search',
          operation: 'operations.hosts.search',
          idempotent: true,
          param: { ...toParam(input, { id: 'host.id', ip: 'host.ip' }), ...pagingParam(input) },
        },
        (wire) => {
          const host = HOST.read(wire);
          return { ...host, stateName: hostStateName(host.state) };
        },
      ),
  }),
  define({
    name: 'alarms.search',
    summary:
      'Searches alarms (#79; times as `yyyy-MM-dd HH:mm:ss`). Paged (page 1 of 30 by default); `all: true` ' +
      'sends the documented `isfindPage` instead and returns every alarm.',
    input: Paging.extend({
      level: z.enum(['high', 'medium', 'low']).optional(),
      objectType: Text.optional(),
      objectId: Text.optional(),
      clearedBy: z.enum(['auto', 'manual', 'none']).optional(),
      from: Text.optional(),
      to: Text.optional(),
      all: z.boolean().optional(),
    }),
    output: listOutput(ALARM.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudalarm/search',
          operation: 'operations.alarms.search',
          idempotent: true,
          param: {
            ...toParam(input, {
              level: 'alarm.level',
              objectType: 'alarm.obj.type',
              objectId: 'alarm.objid',
              clearedBy: 'alarm.relieve.way',
              from: 'alarm.starttime',
              to: 'alarm.endtime',
            }),
            // L3529: a bare boolean, the one non-string scalar of a request (A46).
            ...(input.all ? { isfindPage: true } : pagingParam(input, true)),
          },
        },
        ALARM.read,
      ),
  }),
  define({
    name: 'storages.search',
    summary: 'Lists storage pools (#80); their ids are what disks.create_pv takes.',
    input: Paging,
    output: listOutput(STORAGE.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudstorage/search',
          operation: 'operations.storages.search',
          idempotent: true,
          param: pagingParam(input),
        },
        STORAGE.read,
      ),
  }),
];
