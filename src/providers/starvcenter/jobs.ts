/**
 * Create jobs without a task-log query (A57, D1). `cloudvm/create` answers one `jobstartid`
 * per VM, and nothing documented reads it back, so the job id handed to the engine carries
 * what is needed to follow the job through the VM itself:
 *
 *   create:<jobstartid>:<vmId>:<name>      (each part URI-encoded; vmId may be empty)
 *
 * The platform's own job number stays first, so an operator can search the platform's logs
 * for it. Following the job is one read of the VM; nothing here waits.
 */
import { ProviderError, type JobState } from '../contract.ts';
import { PROVIDER } from './client.ts';
import type { VmReads } from './vm-reads.ts';
import type { WireVm } from './wire.ts';

export interface CreateJobRef {
  startId: string;
  vmId: string;
  name: string;
}

const KIND = 'create';

export function encodeCreateJob(ref: CreateJobRef): string {
  return [KIND, ref.startId, ref.vmId, ref.name].map(encodeURIComponent).join(':');
}

export function decodeCreateJob(jobId: string): CreateJobRef | null {
  const parts = jobId.split(':');
  if (parts.length !== 4 || parts[0] !== KIND) return null;
  try {
    const [startId, vmId, name] = parts.slice(1).map(decodeURIComponent) as [string, string, string];
    if (!vmId && !name) return null;
    return { startId, vmId, name };
  } catch {
    return null;
  }
}

/**
 * What a create job's VM says about the job: installing or cloning (3, 4) and HA probing (-1)
 * are still running; a VM that left those states was created (1 running, 0 stopped, 2
 * suspended); -2 is the documented creation failure. An unlisted state keeps the job running
 * rather than guessing an outcome.
 */
export function jobStateOfVm(vmId: string, rawState: string): JobState {
  switch (rawState.trim()) {
    case '1':
    case '0':
    case '2':
      return { state: 'succeeded', instanceIds: [vmId] };
    case '-2':
      return {
        state: 'failed',
        instanceIds: [vmId],
        providerCode: '-2',
        providerMessage: 'the platform reports vm.state -2 (creation failed)',
      };
    default:
      return { state: 'running', instanceIds: [vmId] };
  }
}

/** getJob: one read of the VM the job id names (or, when the create answer named none, a search by name). */
export async function followCreateJob(vms: VmReads, jobId: string): Promise<JobState> {
  const ref = decodeCreateJob(jobId);
  if (!ref)
    throw new ProviderError(PROVIDER, 'jobs.get', 'invalid', undefined, `not a job id of this adapter: ${jobId}`);
  let vm: WireVm | null;
  if (ref.vmId) {
    vm = await vms.find(ref.vmId, 'jobs.get');
    if (!vm)
      return {
        state: 'failed',
        instanceIds: [],
        providerCode: 'vanished',
        providerMessage: `VM ${ref.vmId} of platform job ${ref.startId} no longer exists`,
      };
  } else {
    const found = await vms.search('jobs.get', { 'vm.name': ref.name });
    vm = found.items.find((v) => v['vm.name'] === ref.name) ?? null;
    // The answer named no VM and none carries the name yet: the create may still be on its way.
    if (!vm) return { state: 'running', instanceIds: [] };
  }
  return jobStateOfVm(vm['vm.id'], vm['vm.state'] ?? '');
}
