import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, DEMO_TENCENT_ACCOUNT } from '../../../src/providers/bridgx/simulator.ts';
import { type BxHarness, PARAM_INVALID, T0, startBridgx } from './simulator-client.ts';

let bx: BxHarness;
beforeAll(async () => {
  bx = await startBridgx();
});
afterAll(() => bx.close());
beforeEach(async () => {
  await bx.control('POST', '/reset', {});
  await bx.control('POST', '/clock', { setMs: T0 });
});

const statusesOf = async (cluster: string) =>
  (await bx.machines({ cluster_name: cluster })).map((m: any) => m.status).sort();

describe('expand tasks', () => {
  it('goes INIT, RUNNING, SUCCESS with exact times while its machines go Pending to Running', async () => {
    await bx.cluster('grow');
    const id = await bx.expand('grow', 3, 'urgent');
    expect(await bx.task(id)).toEqual({
      task_id: id,
      task_name: 'urgent',
      task_action: 'EXPAND',
      status: 'INIT',
      cluster_name: 'grow',
      create_at: '2024-01-01 09:00:00 +0800 CST',
      execute_time: 0,
      finish_at: '',
    });
    expect(await bx.machines()).toEqual([]);
    await bx.advance(500);
    expect((await bx.task(id)).status).toBe('RUNNING');
    expect(await statusesOf('grow')).toEqual(['Pending', 'Pending', 'Pending']);
    // 1. A read long after the boot still sees the exact finish: start 0.5 s + boot 3 s.
    await bx.advance(60_000);
    expect(await bx.task(id)).toMatchObject({
      status: 'SUCCESS',
      execute_time: 3,
      finish_at: '2024-01-01 09:00:03 +0800 CST',
    });
    expect(await statusesOf('grow')).toEqual(['Running', 'Running', 'Running']);
    const job = (await bx.control('GET', '/jobs')).json.items.find((j: any) => j.id === id);
    expect(job).toMatchObject({ kind: 'bridgx.expand', status: 'succeeded' });
  });

  it('answers the id as a number past 2^53 and lists it as the same digits in a string, newest first', async () => {
    await bx.cluster('ids');
    const first = await bx.expand('ids', 1);
    const second = await bx.expand('ids', 1);
    expect(BigInt(second) > BigInt(first)).toBe(true);
    expect(BigInt(first)).toBe(2n ** 53n + 1n);
    const list = (await bx.get('/api/v1/task/list')).json.data;
    expect(list.task_list.map((t: any) => t.task_id)).toEqual([second, first]);
    expect(list.pager).toEqual({ page_number: 1, page_size: 10, total: 2 });
  });

  it('starts the ids where the simulator is told to', async () => {
    const h = await startBridgx({ taskIdStart: '6976204493870' });
    try {
      await h.cluster('doc-ids');
      expect(await h.expand('doc-ids', 1)).toBe('6976204493870');
    } finally {
      await h.close();
    }
  });

  it('runs the tasks of one cluster in order: the next starts when the previous ends', async () => {
    await bx.cluster('queue');
    await bx.cluster('other');
    const a = await bx.expand('queue', 1);
    const b = await bx.expand('queue', 1);
    const c = await bx.expand('other', 1);
    await bx.advance(500);
    expect([(await bx.task(a)).status, (await bx.task(b)).status, (await bx.task(c)).status]).toEqual([
      'RUNNING',
      'INIT',
      'RUNNING',
    ]);
    await bx.advance(20_000);
    // b started when a ended (3.5 s) and booted for 3 s: it ends at 6.5 s.
    expect((await bx.task(b)).finish_at).toBe('2024-01-01 09:00:06 +0800 CST');
    expect((await bx.task(c)).finish_at).toBe('2024-01-01 09:00:03 +0800 CST');
  });

  it('takes at least the configured task time', async () => {
    await bx.control('PATCH', '/bridgx/timing', { taskMinMs: 10_000, taskStartMs: 0 });
    await bx.cluster('slow');
    const id = await bx.expand('slow', 1);
    await bx.advance(9_999);
    expect((await bx.task(id)).status).toBe('RUNNING');
    await bx.advance(1);
    expect(await bx.task(id)).toMatchObject({ status: 'SUCCESS', execute_time: 10 });
  });

  it('fails k of N machines when the control API says so, and ends FAILED', async () => {
    await bx.cluster('flaky');
    const rule = await bx.control('POST', '/bridgx/task-failures', { failures: 2, action: 'EXPAND', cluster: 'flaky' });
    expect(rule.status).toBe(201);
    const id = await bx.expand('flaky', 5);
    await bx.advance(4000);
    expect((await bx.task(id)).status).toBe('FAILED');
    expect(await statusesOf('flaky')).toEqual(['Error', 'Error', 'Running', 'Running', 'Running']);
    const job = (await bx.control('GET', '/jobs')).json.items.find((j: any) => j.id === id);
    expect(job.error).toEqual({ code: 'FAILED', message: '2 of 5 machines failed' });
    // The rule was for one task only.
    const next = await bx.expand('flaky', 1);
    await bx.advance(4000);
    expect((await bx.task(next)).status).toBe('SUCCESS');
  });

  it('fails machines by the engine error pattern too', async () => {
    await bx.control('PATCH', '/config', { createErrorNamePattern: '^doomed-' });
    await bx.cluster('doomed');
    const id = await bx.expand('doomed', 2);
    await bx.advance(4000);
    expect((await bx.task(id)).status).toBe('FAILED');
    expect(await statusesOf('doomed')).toEqual(['Error', 'Error']);
  });

  it('refuses an unknown cluster, a count below 1, a string count and a missing task_name', async () => {
    await bx.cluster('v');
    for (const body of [
      { cluster_name: 'nope', task_name: 't', count: 1 },
      { cluster_name: 'v', task_name: 't', count: 0 },
      { cluster_name: 'v', task_name: 't', count: '1' },
      { cluster_name: 'v', task_name: 't', count: 1.5 },
      { cluster_name: 'v', count: 1 },
    ])
      expect((await bx.post('/api/v1/cluster/expand', body)).json).toEqual(PARAM_INVALID);
    expect((await bx.post('/api/v1/cluster/expand', { cluster_name: 'v', task_name: '', count: 1 })).json.code).toBe(
      200,
    );
  });

  it('refuses an expand past the cluster limit (queued expands count) or the switch size', async () => {
    const h = await startBridgx({ clusterMachineLimit: 4 });
    try {
      await h.cluster('small');
      await h.expand('small', 3);
      expect(
        (await h.post('/api/v1/cluster/expand', { cluster_name: 'small', task_name: 't', count: 2 })).json,
      ).toEqual(PARAM_INVALID);
      await h.expand('small', 1);
      expect((await h.get('/api/v1/cluster/describe_all')).json.data.cluster_list[0].total_remainder).toBe('0/4');
      await h.advance(4000);
      expect((await h.get('/api/v1/cluster/describe_all')).json.data.cluster_list[0].total_remainder).toBe('4/4');
    } finally {
      await h.close();
    }
    await bx.cluster('big');
    // The demo /24 switch has 252 usable addresses.
    expect(
      (await bx.post('/api/v1/cluster/expand', { cluster_name: 'big', task_name: 't', count: 199 })).json.code,
    ).toBe(200);
    expect((await bx.post('/api/v1/cluster/expand', { cluster_name: 'big', task_name: 't', count: 1 })).json.code).toBe(
      200,
    );
    await bx.cluster('big2');
    expect((await bx.post('/api/v1/cluster/expand', { cluster_name: 'big2', task_name: 't', count: 53 })).json).toEqual(
      PARAM_INVALID,
    );
  });
});

describe('shrink tasks', () => {
  const grown = async (name: string, count: number) => {
    await bx.cluster(name);
    await bx.expand(name, count);
    await bx.advance(3500);
    return bx.machines({ cluster_name: name });
  };

  it('removes count random machines: Deleting, then Deleted and still listed', async () => {
    await grown('s', 4);
    const id = await bx.shrink('s', 2);
    await bx.advance(500);
    expect(await statusesOf('s')).toEqual(['Deleting', 'Deleting', 'Running', 'Running']);
    expect((await bx.task(id)).status).toBe('RUNNING');
    await bx.advance(1000);
    expect(await statusesOf('s')).toEqual(['Deleted', 'Deleted', 'Running', 'Running']);
    // Submitted at 3.5 s, deleted from 4 s to 5 s: the stamps show 09:00:03 and 09:00:05.
    expect(await bx.task(id)).toMatchObject({ task_action: 'SHRINK', status: 'SUCCESS', execute_time: 2 });
  });

  it('removes exactly the machines named by private IP, from an array or a comma-separated string', async () => {
    const [a, b, c] = await grown('ips', 3);
    await bx.shrink('ips', 1, [b.ip_inner]);
    const r = await bx.post('/api/v1/cluster/shrink', {
      cluster_name: 'ips',
      task_name: 'x',
      count: 1,
      ips: c.ip_inner,
    });
    expect(r.json.code).toBe(200);
    await bx.advance(5000);
    const byId = Object.fromEntries((await bx.machines()).map((m: any) => [m.instance_id, m.status]));
    expect(byId).toEqual({ [a.instance_id]: 'Running', [b.instance_id]: 'Deleted', [c.instance_id]: 'Deleted' });
  });

  it('refuses a count that differs from the IPs, unknown or repeated IPs, and more machines than the cluster has', async () => {
    const [a, b] = await grown('r', 2);
    for (const body of [
      { count: 2, ips: [a.ip_inner] },
      { count: 1, ips: ['10.9.9.9'] },
      { count: 2, ips: [a.ip_inner, a.ip_inner] },
      { count: 3 },
      { count: 0 },
    ])
      expect((await bx.post('/api/v1/cluster/shrink', { cluster_name: 'r', task_name: 'x', ...body })).json).toEqual(
        PARAM_INVALID,
      );
    await bx.shrink('r', 1, [b.ip_inner]);
    // b is claimed by the waiting shrink, and only one machine is left for a random one.
    expect(
      (await bx.post('/api/v1/cluster/shrink', { cluster_name: 'r', task_name: 'x', count: 1, ips: [b.ip_inner] }))
        .json,
    ).toEqual(PARAM_INVALID);
    expect((await bx.post('/api/v1/cluster/shrink', { cluster_name: 'r', task_name: 'x', count: 2 })).json).toEqual(
      PARAM_INVALID,
    );
  });

  it('treats ips on the expand path as an expand (D2)', async () => {
    const [a] = await grown('d2', 1);
    const r = await bx.post('/api/v1/cluster/expand', {
      cluster_name: 'd2',
      task_name: 'x',
      count: 1,
      ips: [a.ip_inner],
    });
    await bx.advance(5000);
    expect(r.json.code).toBe(200);
    expect(await statusesOf('d2')).toEqual(['Running', 'Running']);
  });

  it('keeps k victims when told to fail part of a shrink, and ends FAILED', async () => {
    await grown('keep', 3);
    await bx.control('POST', '/bridgx/task-failures', { failures: 1, action: 'SHRINK' });
    const id = await bx.shrink('keep', 3);
    await bx.advance(2000);
    expect((await bx.task(id)).status).toBe('FAILED');
    expect(await statusesOf('keep')).toEqual(['Deleted', 'Deleted', 'Running']);
    const view = (await bx.control('GET', '/bridgx/tasks')).json.items.find((t: any) => t.taskId === id);
    expect([view.victims.length, view.failedIds.length]).toEqual([3, 1]);
  });

  it('filters the task list by account only', async () => {
    await grown('acct', 1);
    expect((await bx.get('/api/v1/task/list', { account: DEMO_ACCOUNT.ak })).json.data.pager.total).toBe(1);
    expect((await bx.get('/api/v1/task/list', { account: DEMO_TENCENT_ACCOUNT.ak })).json.data.task_list).toEqual([]);
  });
});
