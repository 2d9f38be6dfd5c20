import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InstanceStatus } from '../../../src/domain/instance.ts';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import { TaskStatus } from '../../../src/domain/task.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import {
  BRIDGX_MACHINE_STATUS_VALUES,
  BRIDGX_TASK_STATUS_VALUES,
  jobStateOf,
  toMachineStatus,
  toTaskStatus,
} from '../../../src/providers/bridgx/statuses.ts';
import { BASE_OPTIONS, PASSWORD, startBridgx, type BridgxHarness } from './harness.ts';

// Written from the catalog (§5.2: attested Deleted, running/deleted in a filter example and
// 初始化完成 in the field table; the proposed Pending/Running/Deleting/Deleted/Error), not
// copied from the adapter, so a dropped row fails here.
const MACHINES: Record<string, InstanceStatus> = {
  Pending: 'pending',
  Running: 'running',
  Deleting: 'deleting',
  Deleted: 'deleted',
  Error: 'error',
  初始化完成: 'running',
};

// §4.21 / §5.1: INIT, RUNNING, SUCCESS (attested), FAILED; the field table's three phases.
const TASKS: Record<string, TaskStatus> = {
  INIT: 'queued',
  RUNNING: 'running',
  SUCCESS: 'succeeded',
  FAILED: 'failed',
  待执行: 'queued',
  执行中: 'running',
  执行完毕: 'succeeded',
};

describe('machine status table', () => {
  it('has a row for every catalogued status and nothing else', () => {
    expect([...BRIDGX_MACHINE_STATUS_VALUES].sort()).toEqual(Object.keys(MACHINES).sort());
  });

  it.each(Object.entries(MACHINES))('maps %s to %s and keeps the raw value', (raw, status) => {
    expect(toMachineStatus(raw)).toEqual({ status, statusRaw: raw });
  });

  it('reads the lowercase spellings of the filter example', () => {
    expect(toMachineStatus('running')).toEqual({ status: 'running', statusRaw: 'running' });
    expect(toMachineStatus('deleted')).toEqual({ status: 'deleted', statusRaw: 'deleted' });
    expect(toMachineStatus('DELETING').status).toBe('deleting');
  });

  it('maps anything else to unknown, never throws, and lets account overrides win', () => {
    expect(toMachineStatus('Melting')).toEqual({ status: 'unknown', statusRaw: 'Melting' });
    fc.assert(
      fc.property(fc.string(), (raw) => {
        expect(InstanceStatus.options).toContain(toMachineStatus(raw).status);
      }),
    );
    expect(toMachineStatus('Running', { Running: 'error' }).status).toBe('error');
    expect(toMachineStatus('Melting', { Melting: 'stopped' })).toEqual({ status: 'stopped', statusRaw: 'Melting' });
  });
});

describe('task status table', () => {
  it('has a row for every catalogued status and nothing else', () => {
    expect([...BRIDGX_TASK_STATUS_VALUES].sort()).toEqual(Object.keys(TASKS).sort());
  });

  it.each(Object.entries(TASKS))('maps %s to %s whether or not it has finished', (raw, status) => {
    expect(toTaskStatus(raw, false)).toBe(status);
    expect(toTaskStatus(raw, true)).toBe(status);
  });

  it('reads an unknown status as running until the task has a finish time, then as failed', () => {
    expect(toTaskStatus('PAUSED', false)).toBe('running');
    expect(toTaskStatus('PAUSED', true)).toBe('failed');
    expect(toTaskStatus('success', true)).toBe('succeeded');
  });

  it('reports a queued task as a running job', () => {
    expect(jobStateOf('queued')).toBe('running');
    expect(jobStateOf('running')).toBe('running');
    expect(jobStateOf('succeeded')).toBe('succeeded');
    expect(jobStateOf('failed')).toBe('failed');
  });
});

describe('machine statuses over the wire', () => {
  let h: BridgxHarness;
  let p: Provider;
  let overridden: Provider;
  let id: string;

  beforeAll(async () => {
    h = await startBridgx({ timing: { taskStartMs: 0 }, config: { delays: { bootMs: 0, deleteMs: 0 } } });
    p = h.provider().provider;
    overridden = h.provider(undefined, { ...BASE_OPTIONS, statusMap: { Error: 'unknown' } }).provider;
    const spec = MachineSpec.parse({
      instanceType: 'ecs.n1.tiny',
      image: (await p.listImages())[0]!.id,
      login: { password: PASSWORD },
    });
    await p.createGroup({ name: 'cp-statuses', namePrefix: 'cp', spec, tags: {} });
    await p.expandGroup({ groupId: 'cp-statuses', count: 1, requestId: 'statuses-1' });
    await h.advance(10);
    id = (await p.listGroupMembers('cp-statuses'))[0]!.providerId;
  });
  afterAll(() => h?.close());

  // The simulator's own status strings, forced through its control API and read back by the adapter.
  it.each(['Pending', 'Running', 'Deleting', 'Error'])('reports a forced %s as the table says', async (raw) => {
    await h.control('POST', `/instances/${id}/force`, { status: raw });
    expect(await p.getInstance(id)).toMatchObject({ status: MACHINES[raw], statusRaw: raw });
    const page = await p.listInstances({});
    expect(page.items.find((m) => m.providerId === id)).toMatchObject({ status: MACHINES[raw], statusRaw: raw });
  });

  it('applies the account status map to what the platform reports', async () => {
    await h.control('POST', `/instances/${id}/force`, { status: 'Error' });
    expect(await overridden.getInstance(id)).toMatchObject({ status: 'unknown', statusRaw: 'Error' });
    expect(await p.getInstance(id)).toMatchObject({ status: 'error', statusRaw: 'Error' });
  });

  // Deleted is reached the platform's way (a shrink task): BridgX keeps the record (A61).
  it('reports a machine removed by a shrink as deleted, and leaves it out of the members', async () => {
    await h.control('POST', `/instances/${id}/force`, { status: 'Running' });
    await p.shrinkGroup({ groupId: 'cp-statuses', instanceIds: [id], requestId: 'statuses-2' });
    await h.advance(10);
    expect(await p.getInstance(id)).toMatchObject({ status: 'deleted', statusRaw: 'Deleted' });
    expect(await p.listGroupMembers('cp-statuses')).toEqual([]);
  });
});
