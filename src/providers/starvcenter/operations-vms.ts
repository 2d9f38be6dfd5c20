/**
 * Documented VM, model-dictionary and tenant operations beyond the unified model (#1, #3,
 * #6, #7, #9–#14, #16–#21). The unified methods cover #2, #4, #5, #8, #10 and #15.
 */
import { z } from 'zod';
import {
  Accepted,
  Flag,
  Id,
  Paging,
  Started,
  Text,
  accepted,
  define,
  enc,
  listOutput,
  pagingParam,
  record,
  searchRecords,
  started,
  toParam,
} from './operation-kit.ts';

const VmId = z.object({ vmId: Id });
const vmParam = (i: { vmId: string }) => ({ 'vm.id': i.vmId });

export const VM_RECORD = record({
  id: 'vm.id',
  name: 'vm.name',
  description: 'vm.desc',
  createdAt: 'vm.createtime',
  state: 'vm.state',
  vcpus: 'vm.vcpu.num',
  memoryMiB: 'vm.memory.mem',
  type: 'vm.tenant.type',
  model: 'vm.tenant.model',
  ip: 'vm.ip',
  rebootSupported: 'vm.reboot.enable',
  shutdownSupported: 'vm.shutdown.enable',
});

/** A power or guest action answering only a `startid` (A61). */
const vmJob = (name: string, summary: string, path: string, method: 'PUT' | 'POST') =>
  define({
    name,
    summary,
    input: VmId,
    output: Started,
    async run(client, input) {
      const e = await client.call({
        method,
        path,
        operation: `operations.${name}`,
        idempotent: false,
        param: vmParam(input),
      });
      return started(e);
    },
  });

export const vmOperations = [
  define({
    name: 'vms.search',
    summary:
      'Searches VMs by name or id (both fuzzy), state, IP or host (#3); no page = every match. Records are the raw ' +
      'platform fields in camelCase.',
    input: Paging.extend({
      name: Text.optional(),
      id: Text.optional(),
      state: z
        .string()
        .regex(/^-?\d+$/)
        .optional(),
      ip: Text.optional(),
      hostId: Text.optional(),
    }),
    output: listOutput(VM_RECORD.schema),
    run: (client, input) =>
      searchRecords(
        client,
        {
          method: 'POST',
          path: 'cloudvm/search',
          operation: 'operations.vms.search',
          idempotent: true,
          param: {
            ...toParam(input, { name: 'vm.name', id: 'vm.id', state: 'vm.state', ip: 'vm.ip', hostId: 'vm.hostid' }),
            ...pagingParam(input),
          },
        },
        VM_RECORD.read,
      ),
  }),
  vmJob('vms.power_off', 'Cuts the power of a VM (#6, PUT cloudvm/destroy; not a delete).', 'cloudvm/destroy', 'PUT'),
  vmJob('vms.shutdown', "Shuts the VM's OS down (#7, soft stop).", 'cloudvm/shutdown', 'PUT'),
  vmJob(
    'vms.wake_agent',
    "Wakes the VM's guest agent (#12), which soft stop and reboot need.",
    'cloudvm/resumeCloudAgent',
    'POST',
  ),
  define({
    name: 'vms.modify',
    summary: "Renames a VM or changes its description (#9); the description also holds the adapter's tags (A55).",
    input: VmId.extend({ name: Text.min(1).optional(), description: Text.optional() }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'PUT',
        path: 'cloudvm/modify',
        operation: 'operations.vms.modify',
        idempotent: true,
        param: { ...vmParam(input), ...toParam(input, { name: 'vm.name', description: 'vm.desc' }) },
      });
      return accepted();
    },
  }),
  define({
    name: 'vms.connection',
    summary: "Shows a VM's console URL, its host's IP and its VNC port (#10).",
    input: VmId,
    output: z.object({
      consoleUrl: z.string().nullable(),
      hostIp: z.string().nullable(),
      vncPort: z.string().nullable(),
    }),
    async run(client, input) {
      const e = await client.call({
        method: 'GET',
        path: `cloudvm/connection/${enc(input.vmId)}`,
        operation: 'operations.vms.connection',
        idempotent: true,
      });
      return record({ consoleUrl: 'vm.console.url', hostIp: 'vm.hostip', vncPort: 'vm.vncport' }).read(e.data);
    },
  }),
  define({
    name: 'vms.set_admin_password',
    summary: "Resets the OS administrator's password (#11; default user root or Administrator). Async.",
    input: VmId.extend({ username: Text.min(1).optional(), password: z.string().min(1).max(128) }),
    output: Started,
    async run(client, input) {
      const e = await client.call({
        method: 'POST',
        path: 'cloudvm/setadminpwd',
        operation: 'operations.vms.set_admin_password',
        idempotent: false,
        param: { ...vmParam(input), ...toParam(input, { username: 'username', password: 'pwd' }) },
      });
      return started(e);
    },
  }),
  define({
    name: 'vms.set_vnc_password',
    summary: 'Sets the VNC (console) password of a VM (#13).',
    input: VmId.extend({ password: z.string().min(1).max(128) }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'POST',
        path: 'cloudvm/editvncpwd',
        operation: 'operations.vms.set_vnc_password',
        idempotent: true,
        param: { ...vmParam(input), 'vm.vncpasswd': input.password },
      });
      return accepted();
    },
  }),
  define({
    name: 'vms.reset_vnc_password',
    summary:
      'Resets the VNC password to the platform default, which the document neither states nor returns (#14, D25).',
    input: VmId,
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'POST',
        path: 'cloudvm/setvncpwd',
        operation: 'operations.vms.reset_vnc_password',
        idempotent: true,
        param: vmParam(input),
      });
      return accepted();
    },
  }),
  define({
    name: 'vms.set_cpu',
    summary: 'Changes the vCPU count (#16). Async.',
    input: VmId.extend({ vcpus: z.number().int().min(1).max(9999) }),
    output: Started,
    async run(client, input) {
      const e = await client.call({
        method: 'PUT',
        path: 'cloudvm/cpu/modify',
        operation: 'operations.vms.set_cpu',
        idempotent: false,
        param: { ...vmParam(input), 'vm.vcpu.num': String(input.vcpus) },
      });
      return started(e);
    },
  }),
  define({
    name: 'vms.set_memory',
    summary: 'Changes the memory in MiB (#17, 1–999999999). Async.',
    input: VmId.extend({ memoryMiB: z.number().int().min(1).max(999_999_999) }),
    output: Started,
    async run(client, input) {
      const e = await client.call({
        method: 'PUT',
        path: 'cloudvm/mem/modify',
        operation: 'operations.vms.set_memory',
        idempotent: false,
        param: { ...vmParam(input), 'vm.memory.mem': String(input.memoryMiB) },
      });
      return started(e);
    },
  }),
  define({
    name: 'vms.switch_firewall',
    summary: "Turns the VM's access control (guest firewalld) on or off (#19).",
    input: VmId.extend({ enabled: Flag }),
    output: Accepted,
    async run(client, input) {
      await client.call({
        method: 'POST',
        path: 'cloudvm/switchfirewalld',
        operation: 'operations.vms.switch_firewall',
        idempotent: true,
        param: { ...vmParam(input), 'vm.firewalld.enable': String(input.enabled) },
      });
      return accepted();
    },
  }),
];
