/**
 * Monitoring (#51–#57). Metric values stay text: the document says an empty string means
 * "no data" (L2279), which a number could not say. The history series have no time range or
 * point count (D29).
 */
import { z } from 'zod';
import { Id, define, firstObject, listOutput, record, searchRecords } from './operation-kit.ts';

const LineType = z.enum(['minute', 'hour', 'day']);
const Target = z.object({ vmId: Id });
const target = (i: { vmId: string }) => ({ 'monitor.obj.type': 'vm', 'monitor.obj': i.vmId });

const COMPUTE = {
  objectId: 'monitor.obj',
  collectedAt: 'monitor.createtime',
  cpuPercent: 'monitor.cpu.rate',
  memoryPercent: 'monitor.mem.rate',
  cpus: 'monitor.cpu.num',
  memoryMiB: 'monitor.mem.size',
  memoryUsedMiB: 'monitor.mem.usedsize',
};
const COMPUTE_POINT = {
  objectId: 'monitor.obj',
  collectedAt: 'monitor.createtime',
  cpuPercent: 'monitor.cpu.rate',
  memoryPercent: 'monitor.mem.rate',
};
const DISK_POINT = {
  objectId: 'monitor.obj',
  collectedAt: 'monitor.createtime',
  writeKBps: 'monitor.disk.writespeed',
  readKBps: 'monitor.disk.readspeed',
};
const NET_POINT = {
  objectId: 'monitor.obj',
  collectedAt: 'monitor.createtime',
  downKBps: 'monitor.net.downspeed',
  upKBps: 'monitor.net.upspeed',
};
const EVERY_DISK = {
  ...DISK_POINT,
  diskId: 'monitor.diskid',
  sizeKB: 'monitor.disk.size',
  readRequestsPerSec: 'monitor.disk.rqbs',
  writeRequestsPerSec: 'monitor.disk.wqbs',
  usedKB: 'monitor.disk.usedsize',
};
// D8: the documented `monitor. netcard id` / `monitor. netcardmac`, read with whitespace removed.
const EVERY_NET = { ...NET_POINT, nicId: 'monitor.netcardid', nicMac: 'monitor.netcardmac' };

/** A monitoring query: VM target (+ line type for history), list or single-object answer. */
function monitor<F extends Record<string, string>>(
  name: string,
  summary: string,
  path: string,
  fields: F,
  history: boolean,
) {
  const rec = record(fields);
  return define({
    name,
    summary,
    input: history ? Target.extend({ lineType: LineType }) : Target,
    output: listOutput(rec.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path,
          operation: `operations.${name}`,
          idempotent: true,
          param: { ...target(input), ...('lineType' in input ? { lineType: input.lineType } : {}) },
        },
        rec.read,
      ),
  });
}

export const monitorOperations = [
  define({
    name: 'monitor.compute_current',
    summary: "A VM's current CPU and memory use (#51); an empty value means no data.",
    input: Target,
    output: record(COMPUTE).schema,
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudmonitor/compute/current',
        operation: 'operations.monitor.compute_current',
        idempotent: true,
        param: target(input),
      });
      return record(COMPUTE).read(firstObject(e.data));
    },
  }),
  monitor(
    'monitor.compute_history',
    'CPU and memory history of a VM by minute, hour or day (#52).',
    'cloudmonitor/compute/history',
    COMPUTE_POINT,
    true,
  ),
  monitor(
    'monitor.disk_history',
    'Disk I/O history of a VM in KB/s (#53).',
    'cloudmonitor/disk/history',
    DISK_POINT,
    true,
  ),
  monitor(
    'monitor.net_history',
    'Network I/O history of a VM in KB/s (#54).',
    'cloudmonitor/net/history',
    NET_POINT,
    true,
  ),
  monitor(
    'monitor.disk_current',
    'Current I/O and use of each disk of a VM (sizes in KB) (#55).',
    'cloudmonitor/everydisk/current',
    EVERY_DISK,
    false,
  ),
  monitor(
    'monitor.net_current',
    'Current I/O of each NIC of a VM (#56).',
    'cloudmonitor/everynet/current',
    EVERY_NET,
    false,
  ),
  define({
    name: 'monitor.compute_currents',
    summary: 'Current compute use of several VMs or hosts at once (#57; used disk in MB).',
    input: z.object({ objectType: z.enum(['vm', 'host']), ids: z.array(Id).min(1).max(200) }),
    output: listOutput(record({ ...COMPUTE, diskUsedMiB: 'monitor.disk.usedsize' }).schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudmonitor/compute/currents',
          operation: 'operations.monitor.compute_currents',
          idempotent: true,
          // The one documented JSON array of a request (L2583).
          param: { 'monitor.obj.type': input.objectType, 'monitor.objids': input.ids },
        },
        record({ ...COMPUTE, diskUsedMiB: 'monitor.disk.usedsize' }).read,
      ),
  }),
];
