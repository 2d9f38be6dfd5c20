/**
 * Create jobs followed without a task-log query (A57): the job id the adapter hands back
 * carries the VM, and getJob reads the VM. A job that succeeds, one that fails, and one that
 * never ends (getJob keeps saying running, however long the clock runs); and the walk of the
 * status table over the wire, each documented `vm.state` forced on a simulated VM.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../../../src/domain/instance.ts';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DELAYS, rejectionOf, startStarVCenter, type StarHarness } from './harness.ts';

let h: StarHarness;
let p: Provider;
const spec = MachineSpec.parse({ instanceType: 'c1m1024', image: 'model:ubuntu-22-04' });

beforeAll(async () => {
  h = await startStarVCenter();
});
afterAll(() => h.close());
// The simulator's ids repeat after a reset (same seed): each test gets a fresh adapter too.
beforeEach(async () => {
  await h.reset();
  ({ provider: p } = h.provider());
});

async function createOp(): Promise<string> {
  await p.createInstance({ name: 'cp-prime', spec, tags: {} });
  return h.opOf('POST', 'cloudvm/create');
}

describe('create jobs', () => {
  it('runs while the VM installs and succeeds naming the VM once it runs', async () => {
    const { instanceId, jobId } = await p.createInstance({ name: 'cp-job-ok', spec, tags: {} });
    expect(await p.getJob(jobId!)).toEqual({ state: 'running', instanceIds: [instanceId] });
    await h.advance(DELAYS.bootMs);
    expect(await p.getJob(jobId!)).toEqual({ state: 'succeeded', instanceIds: [instanceId] });
  });

  it('fails when the platform reports the creation failed (vm.state -2)', async () => {
    await h.control('POST', '/starvcenter/jobs', { outcome: 'fail', op: await createOp() });
    const { instanceId, jobId } = await p.createInstance({ name: 'cp-job-fail', spec, tags: {} });
    await h.advance(DELAYS.bootMs);
    expect(await p.getJob(jobId!)).toMatchObject({ state: 'failed', instanceIds: [instanceId], providerCode: '-2' });
    expect(await p.getInstance(instanceId!)).toMatchObject({ status: 'error', statusRaw: '-2' });
  });

  it('keeps saying running for a job that never ends', async () => {
    await h.control('POST', '/starvcenter/jobs', { outcome: 'hang', op: await createOp() });
    const { instanceId, jobId } = await p.createInstance({ name: 'cp-job-hang', spec, tags: {} });
    for (const ms of [DELAYS.bootMs, 60_000, 3_600_000]) {
      await h.advance(ms);
      expect(await p.getJob(jobId!)).toEqual({ state: 'running', instanceIds: [instanceId] });
    }
    expect(await p.getInstance(instanceId!)).toMatchObject({ status: 'pending', statusRaw: '3' });
  });

  it('fails a job whose VM was deleted before it ran', async () => {
    const { instanceId, jobId } = await p.createInstance({ name: 'cp-job-gone', spec, tags: {} });
    await h.advance(DELAYS.bootMs);
    await p.deleteInstance(instanceId!);
    await h.advance(DELAYS.deleteMs);
    expect(await p.getJob(jobId!)).toMatchObject({ state: 'failed', instanceIds: [], providerCode: 'vanished' });
  });

  it('refuses a job id it did not make', async () => {
    expect(await rejectionOf(p.getJob('5001'))).toMatchObject({ kind: 'invalid' });
    expect(await h.calls()).toEqual([]);
  });
});

// Catalog §5.1, the recommended unified status of each documented vm.state.
const CATALOG: Record<string, InstanceStatus> = {
  '0': 'stopped',
  '1': 'running',
  '2': 'stopped',
  '3': 'pending',
  '4': 'pending',
  '-1': 'unknown',
  '-2': 'error',
};

describe('status table over the wire', () => {
  it.each(Object.entries(CATALOG))('reads a VM the platform reports in state %s as %s', async (raw, status) => {
    const { instanceId } = await p.createInstance({ name: `cp-state-${raw}`, spec, tags: {} });
    await h.advance(DELAYS.bootMs);
    await h.control('POST', `/instances/${instanceId}/force`, { status: raw });
    expect(await p.getInstance(instanceId!)).toMatchObject({ status, statusRaw: raw });
    const listed = await p.listInstances({ name: `cp-state-${raw}` });
    expect(listed.items[0]).toMatchObject({ status, statusRaw: raw });
  });

  it('lets an account override a row', async () => {
    const { provider } = h.provider(undefined, { defaultNetworkId: 'pg-demo-app', statusMap: { '2': 'running' } });
    const { instanceId } = await provider.createInstance({ name: 'cp-state-map', spec, tags: {} });
    await h.advance(DELAYS.bootMs);
    await h.control('POST', `/instances/${instanceId}/force`, { status: '2' });
    expect(await provider.getInstance(instanceId!)).toMatchObject({ status: 'running', statusRaw: '2' });
  });
});
