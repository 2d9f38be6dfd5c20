/**
 * Disks, NICs, backups and snapshots of a VM (#34–#50). Backups and snapshots share one
 * shape (list by VM, create, restore, delete, describe), so one builder makes both families.
 */
import { z } from 'zod';
import {
  Accepted,
  Id,
  Started,
  Text,
  accepted,
  define,
  enc,
  firstObject,
  idOf,
  listOutput,
  record,
  searchRecords,
  started,
  text,
  toParam,
} from './operation-kit.ts';

const DISK = record({
  id: 'vdisk.id',
  name: 'vdisk.name',
  deviceName: 'vdisk.devname',
  description: 'vdisk.desc',
  createdAt: 'vdisk.createtime',
  vmId: 'vdisk.vmid',
  sizeGiB: 'vdisk.size',
});

export const NIC_RECORD = record({
  id: 'vnic.id',
  name: 'vnic.name',
  description: 'vnic.desc',
  createdAt: 'vnic.createtime',
  vmId: 'vnic.vmid',
  macAddress: 'vnic.macaddress',
  ipAddress: 'vnic.ipaddress',
  networkId: 'vnic.vpc.id',
  networkName: 'vnic.vpc.name',
});

const SizeGiB = z.number().int().min(1).max(65_536);

const diskOperations = [
  define({
    name: 'disks.add',
    summary: 'Adds a disk to a VM (#34). Async: the answer names the disk and its device at once.',
    input: z.object({ vmId: Id, sizeGiB: SizeGiB, description: Text.optional() }),
    output: Started.extend({ diskId: z.string().nullable(), deviceName: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudvm/vdisk/add',
        operation: 'operations.disks.add',
        idempotent: false,
        param: toParam(input, { vmId: 'vdisk.vmid', sizeGiB: 'vdisk.size', description: 'vdisk.desc' }),
      });
      const d = firstObject(e.data);
      return { ...started(e), diskId: text(d['vdisk.id']), deviceName: text(d['vdisk.devname']) };
    },
  }),
  define({
    name: 'disks.delete',
    summary: 'Deletes a VM disk (#35). Async.',
    input: z.object({ diskId: Id }),
    output: Started,
    async run(client, input) {
      const e = await client.call({
        method: 'DELETE',
        path: `cloudvm/vdisk/${enc(input.diskId)}`,
        operation: 'operations.disks.delete',
        idempotent: true,
      });
      return started(e);
    },
  }),
  define({
    name: 'disks.extend',
    summary: 'Grows a disk to the size given (#36, the size after extending). Async.',
    input: z.object({ diskId: Id, sizeGiB: SizeGiB }),
    output: Started,
    async run(client, input) {
      const e = await client.call({
        method: 'PUT',
        path: 'cloudvm/vdisk/extend',
        operation: 'operations.disks.extend',
        idempotent: false,
        param: toParam(input, { diskId: 'vdisk.id', sizeGiB: 'vdisk.size' }),
      });
      return started(e);
    },
  }),
  define({
    name: 'disks.search',
    summary: "Lists a VM's disks (#37, unpaged).",
    input: z.object({ vmId: Id }),
    output: listOutput(DISK.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudvm/vdisk/search',
          operation: 'operations.disks.search',
          idempotent: true,
          param: { 'vdisk.vmid': input.vmId },
        },
        DISK.read,
      ),
  }),
  define({
    name: 'disks.create_pv',
    summary:
      'Creates a blank disk for a Kubernetes PVC (#38). The Ceph key the platform returns is a secret and is not ' +
      'passed on (A64): read it in the StarVCenter console.',
    input: z.object({
      name: Id,
      sizeGiB: SizeGiB,
      storageId: Id,
      description: Text.optional(),
      useType: z.enum(['vm', 'volume']).optional(),
    }),
    output: z.object({
      disks: z.array(
        z.object({ id: z.string().nullable(), poolName: z.string().nullable(), monitor: z.string().nullable() }),
      ),
    }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudvm/vdisk/create/pv',
        operation: 'operations.disks.create_pv',
        idempotent: false,
        param: toParam(input, {
          name: 'vdisk.name',
          sizeGiB: 'vdisk.size',
          storageId: 'vdisk.storageid',
          description: 'vdisk.desc',
          useType: 'vdisk.use.type',
        }),
      });
      const rows = Array.isArray(e.data) ? e.data : e.data ? [e.data] : [];
      // Only these three fields are read: `ceph.key` never enters the output.
      const read = record({ id: 'vdisk.id', poolName: 'ceph.poolname', monitor: 'ceph.monitor' }).read;
      return { disks: rows.map(read) };
    },
  }),
  define({
    name: 'nics.search',
    summary: "Lists a VM's NICs (#39); their ids are what security groups bind to.",
    input: z.object({ vmId: Id }),
    output: listOutput(NIC_RECORD.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudvm/vnic/search',
          operation: 'operations.nics.search',
          idempotent: true,
          param: { 'vnic.vmid': input.vmId },
        },
        NIC_RECORD.read,
      ),
  }),
  define({
    name: 'nics.add',
    summary: 'Adds a NIC on a private network to a VM (#40). The platform has no NIC delete.',
    input: z.object({ vmId: Id, networkId: Id }),
    output: z.object({ nicId: z.string().nullable() }),
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudvm/vnic/add',
        operation: 'operations.nics.add',
        idempotent: false,
        param: toParam(input, { vmId: 'vnic.vmid', networkId: 'vnic.portgroupid' }),
      });
      return { nicId: idOf(e.data, 'vnic.id') };
    },
  }),
];

/** Backups (#41–#45) and snapshots (#46–#50): the same five operations over `cloudvm/<kind>`. */
function copyOperations(kind: 'backup' | 'snapshot', plural: 'backups' | 'snapshots', nums: readonly number[]) {
  const rec = record({
    id: `${kind}.id`,
    name: `${kind}.name`,
    description: `${kind}.desc`,
    vmId: `${kind}.vmid`,
    createdAt: `${kind}.createtime`,
    usable: `${kind}.enable`,
  });
  const idKey = `${kind}.id`;
  const op = (verb: string) => `operations.${plural}.${verb}`;
  return [
    define({
      name: `${plural}.list`,
      summary: `Lists a VM's ${plural} (#${nums[0]}); \`usable\` turns "true" when a create has finished.`,
      input: z.object({ vmId: Id }),
      output: listOutput(rec.schema),
      run: (client, input) =>
        searchRecords(
          client,
          { method: 'GET', path: `cloudvm/${kind}/${enc(input.vmId)}`, operation: op('list'), idempotent: true },
          rec.read,
        ),
    }),
    define({
      name: `${plural}.create`,
      summary: `Creates a ${kind} of a VM (#${nums[1]}). Async: follow it with ${plural}.list.`,
      input: z.object({ vmId: Id, name: Id, description: Text.optional() }),
      output: Started.extend({ id: z.string().nullable() }),
      async run(client, input) {
        const e = await client.call({
          method: 'POST',
          path: `cloudvm/${kind}/create`,
          operation: op('create'),
          idempotent: false,
          param: toParam(input, { vmId: `${kind}.vmid`, name: `${kind}.name`, description: `${kind}.desc` }),
        });
        return { ...started(e), id: idOf(e.data, idKey) };
      },
    }),
    define({
      name: `${plural}.delete`,
      summary: `Deletes a ${kind} (#${nums[2]}).`,
      input: z.object({ id: Id }),
      output: Accepted,
      async run(client, input) {
        await client.call({
          method: 'DELETE',
          path: `cloudvm/${kind}/${enc(input.id)}`,
          operation: op('delete'),
          idempotent: true,
        });
        return accepted();
      },
    }),
    define({
      name: `${plural}.restore`,
      summary: `Restores a VM from a ${kind} (#${nums[3]}). Async.`,
      input: z.object({ id: Id }),
      output: Started,
      async run(client, input) {
        const e = await client.call({
          method: 'PUT',
          path: `cloudvm/${kind}/restore`,
          operation: op('restore'),
          idempotent: false,
          param: { [idKey]: input.id },
        });
        return started(e);
      },
    }),
    define({
      name: `${plural}.modify`,
      summary: `Changes a ${kind}'s description (#${nums[4]}; the name cannot change).`,
      input: z.object({ id: Id, description: Text }),
      output: Accepted,
      async run(client, input) {
        await client.call({
          method: 'PUT',
          path: `cloudvm/${kind}/modify`,
          operation: op('modify'),
          idempotent: true,
          param: { [idKey]: input.id, [`${kind}.desc`]: input.description },
        });
        return accepted();
      },
    }),
  ];
}

export const storageOperations = [
  ...diskOperations,
  ...copyOperations('backup', 'backups', [41, 42, 43, 44, 45]),
  ...copyOperations('snapshot', 'snapshots', [46, 47, 49, 48, 50]),
];
