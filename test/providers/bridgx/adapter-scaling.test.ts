/**
 * Clusters as groups on the BridgX simulator: a template becomes a cluster, machines come only
 * from expand and shrink tasks, and those tasks are found again in the task list (no
 * get-by-id), exactly, with ids beyond 2^53, after a lost answer, and when they partly fail.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEFAULT_TASK_ID_START, DEMO_IMAGE } from '../../../src/providers/bridgx/simulator.ts';
import { BASE_OPTIONS, PASSWORD, rejection, startBridgx, type BridgxHarness } from './harness.ts';

let h: BridgxHarness;
let p: Provider;

const spec = (extra: Record<string, unknown> = {}) =>
  MachineSpec.parse({ instanceType: 'ecs.n1.tiny', image: DEMO_IMAGE, login: { password: PASSWORD }, ...extra });
const group = (name: string) => p.createGroup({ name, namePrefix: 'cp', spec: spec(), tags: { team: 'web' } });

interface SimTask {
  taskId: string;
  cluster: string;
  action: string;
  status: string;
  count: number;
  ips: string[] | null;
}
const simTasks = async (cluster: string): Promise<SimTask[]> =>
  ((await h.control('GET', '/bridgx/tasks')) as { items: SimTask[] }).items.filter((t) => t.cluster === cluster);

beforeAll(async () => {
  // Tasks start 500 ms after they are made; machines boot in 3 s and go in 2 s.
  h = await startBridgx();
  p = h.provider().provider;
});
afterAll(() => h.close());
beforeEach(async () => {
  await h.control('POST', '/reset', {});
  await h.control('DELETE', '/faults');
  await h.control('DELETE', '/bridgx/task-failures');
});

describe('clusters', () => {
  it('makes a cluster from a template and names it by the cluster name', async () => {
    expect(await group('cp-web')).toEqual({ groupId: 'cp-web' });
    const listed = (await p.runOperation('clusters.list', {})) as {
      clusters: Array<{ name: string; account: string }>;
    };
    expect(listed.clusters).toEqual([expect.objectContaining({ name: 'cp-web', account: BASE_OPTIONS.accountKey })]);
  });

  it('reports a taken name as a conflict with the platform code and message', async () => {
    await group('cp-dup');
    expect(await rejection(group('cp-dup'))).toMatchObject({
      kind: 'conflict',
      providerCode: '400',
      providerMessage: 'param_invalid',
    });
  });

  it('refuses a template BridgX cannot hold before any call, naming the field', async () => {
    await h.control('DELETE', '/calls');
    const noPassword = p.createGroup({ name: 'cp-x', namePrefix: 'cp', spec: spec({ login: {} }), tags: {} });
    expect((await rejection(noPassword)).providerMessage).toMatch(/spec\.login\.password/);
    const twoGroups = p.createGroup({
      name: 'cp-x',
      namePrefix: 'cp',
      spec: spec({ network: { securityGroupIds: ['sg-a', 'sg-b'] } }),
      tags: {},
    });
    expect((await rejection(twoGroups)).kind).toBe('invalid');
    expect(await h.counts()).toEqual({});
  });
});

describe('expand', () => {
  it('answers the platform task id exactly beyond 2^53, and follows the task in the list to success', async () => {
    await group('cp-grow');
    // 1. The wire: a bare JSON number past 2^53.
    const raw = await h.raw('POST', '/api/v1/cluster/expand', {
      task_name: 'probe',
      cluster_name: 'cp-grow',
      count: 1,
    });
    expect(raw.text).toMatch(new RegExp(`"data":\\s*${DEFAULT_TASK_ID_START}\\b`));
    await h.advance(5000);
    // 2. The adapter's task: a newer (larger) id, exact as a string, with no machine named.
    const accepted = await p.expandGroup({ groupId: 'cp-grow', count: 2, requestId: 'task-1:1' });
    const jobId = accepted.jobId!;
    expect(accepted.instanceIds).toEqual([]);
    expect(BigInt(jobId) > DEFAULT_TASK_ID_START).toBe(true);
    expect((await simTasks('cp-grow')).map((t) => t.taskId)).toContain(jobId);
    // 3. INIT, then RUNNING while machines boot, then SUCCESS.
    expect(await p.getJob(jobId)).toEqual({ state: 'running', instanceIds: [] });
    await h.advance(600);
    expect((await p.getJob(jobId)).state).toBe('running');
    expect((await p.listGroupMembers('cp-grow')).map((m) => m.status)).toContain('pending');
    await h.advance(3000);
    expect(await p.getJob(jobId)).toEqual({ state: 'succeeded', instanceIds: [] });
    const members = await p.listGroupMembers('cp-grow');
    expect(members).toHaveLength(3);
    expect(members.every((m) => m.status === 'running')).toBe(true);
    const tasks = (await p.runOperation('tasks.list', {})) as {
      tasks: Array<{ taskId: string; name: string; status: string }>;
    };
    expect(tasks.tasks.find((t) => t.taskId === jobId)).toMatchObject({
      name: 'cloudplane-expand-2-task-1-1',
      status: 'SUCCESS',
    });
  });

  it('sends no second task for a request id the task list already has', async () => {
    await group('cp-once');
    const first = await p.expandGroup({ groupId: 'cp-once', count: 1, requestId: 'task-2:1' });
    const again = await p.expandGroup({ groupId: 'cp-once', count: 1, requestId: 'task-2:1' });
    expect(again.jobId).toBe(first.jobId);
    expect((await h.counts())['tasks.expand']).toBe(1);
    expect(await simTasks('cp-once')).toHaveLength(1);
  });

  it('finds its task in the list when the expand answer is lost', async () => {
    await group('cp-lost');
    // BridgX records the task but its answer never arrives; the call times out.
    await h.control('POST', '/faults', { op: 'tasks.expand', kind: 'lost_answer', holdMs: 0, times: 1 });
    const impatient = h.provider(undefined, { ...BASE_OPTIONS, timeoutMs: 300 }).provider;
    const accepted = await impatient.expandGroup({ groupId: 'cp-lost', count: 2, requestId: 'task-3:1' });
    const [task] = await simTasks('cp-lost');
    expect(accepted).toEqual({ instanceIds: [], jobId: task!.taskId });
    expect((await h.counts())['tasks.expand']).toBe(1);
    await h.advance(4000);
    expect((await impatient.getJob(accepted.jobId!)).state).toBe('succeeded');
  });

  it('does not resend an expand the platform failed to answer, and says so', async () => {
    await group('cp-500');
    await h.control('POST', '/faults', { op: 'tasks.expand', kind: 'http_error', status: 500, times: 1 });
    const err = await rejection(p.expandGroup({ groupId: 'cp-500', count: 1, requestId: 'task-4:1' }));
    expect(err.kind).toBe('unavailable');
    expect((await h.counts())['tasks.expand']).toBe(1);
    expect(await simTasks('cp-500')).toHaveLength(0);
  });

  it('reports a task that partly fails as failed, with how many of its machines run', async () => {
    await group('cp-partial');
    await h.control('POST', '/bridgx/task-failures', { failures: 1, action: 'EXPAND', cluster: 'cp-partial' });
    const { jobId } = await p.expandGroup({ groupId: 'cp-partial', count: 3, requestId: 'task-5:1' });
    await h.advance(600);
    await h.advance(4000);
    const job = await p.getJob(jobId!);
    expect(job).toMatchObject({ state: 'failed', instanceIds: [], providerCode: 'FAILED' });
    expect(job.providerMessage).toContain('2 of 3 machines running, 1 failed');
    expect(job.providerMessage).toContain(jobId!);
  });

  it('refuses an expand of a cluster BridgX does not have with its code', async () => {
    expect(await rejection(p.expandGroup({ groupId: 'cp-nowhere', count: 1, requestId: 'task-6:1' }))).toMatchObject({
      kind: 'invalid',
      providerCode: '400',
    });
  });
});

describe('shrink', () => {
  it('removes exactly the named machines through a shrink task by their private IPs', async () => {
    await group('cp-shrink');
    await p.expandGroup({ groupId: 'cp-shrink', count: 3, requestId: 'task-7:1' });
    await h.advance(600);
    await h.advance(3500);
    const members = await p.listGroupMembers('cp-shrink');
    expect(members).toHaveLength(3);
    const victims = members.slice(0, 2);
    const { jobId } = await p.shrinkGroup({
      groupId: 'cp-shrink',
      instanceIds: victims.map((m) => m.providerId),
      requestId: 'task-8:1',
    });
    expect(jobId).toMatch(/^\d+$/);
    const shrink = (await simTasks('cp-shrink')).find((t) => t.action === 'SHRINK')!;
    expect(shrink.taskId).toBe(jobId);
    expect(shrink.count).toBe(2);
    expect([...(shrink.ips ?? [])].sort()).toEqual(victims.flatMap((m) => m.privateIps).sort());
    await h.advance(600);
    await h.advance(2500);
    expect((await p.getJob(jobId!)).state).toBe('succeeded');
    expect((await p.listGroupMembers('cp-shrink')).map((m) => m.providerId)).toEqual([members[2]!.providerId]);
    for (const v of victims) expect((await p.getInstance(v.providerId))?.status).toBe('deleted');

    // Machines already gone need no task.
    await h.control('DELETE', '/calls');
    expect(
      await p.shrinkGroup({
        groupId: 'cp-shrink',
        instanceIds: victims.map((m) => m.providerId),
        requestId: 'task-9:1',
      }),
    ).toEqual({ jobId: null });
    expect((await h.counts())['tasks.shrink']).toBeUndefined();
  });
});

describe('jobs', () => {
  it('says not_found for a task id the list does not have, and invalid for what is no job id', async () => {
    expect((await rejection(p.getJob('123456789012345678901'))).kind).toBe('not_found');
    expect((await rejection(p.getJob('job-7'))).kind).toBe('invalid');
  });
});
