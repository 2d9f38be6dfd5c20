import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BxHarness, PARAM_INVALID, startBridgx } from './simulator-client.ts';

/** 2024-01-01 23:00:00 in China (+08:00). */
const LATE = Date.UTC(2024, 0, 1, 15, 0, 0);

let bx: BxHarness;
beforeAll(async () => {
  bx = await startBridgx();
});
afterAll(() => bx.close());
beforeEach(async () => {
  await bx.control('POST', '/reset', {});
  await bx.control('POST', '/clock', { setMs: LATE });
});

const stats = async (date: string, extra: Record<string, string | number> = {}) =>
  (await bx.get('/api/v1/instance/usage_statistics', { date, ...extra })).json.data;
const total = async (date: string, extra: Record<string, string> = {}) =>
  (await bx.get('/api/v1/instance/usage_total', { date, ...extra })).json.data.usage_total;

describe('cost API: machine time per day (A33)', () => {
  it('splits a run across midnight exactly into the two days', async () => {
    await bx.cluster('night');
    await bx.expand('night', 1);
    // 1. Boot ends at 23:00:03.5; 2. the shrink sends its delete at 01:00:00 the next day.
    await bx.advance(2 * 3_600_000 - 500);
    await bx.shrink('night', 1);
    await bx.advance(5000);
    const id = (await bx.machines())[0].instance_id;
    expect(await stats('2024-01-01')).toEqual({
      instance_list: [
        {
          id: '1',
          cluster_name: 'night',
          instance_id: id,
          startup_at: '2024-01-01 23:00:03 +0800 CST',
          shutdown_at: '2024-01-02 00:00:00 +0800 CST',
          startup_time: 3597,
          instance_type: 'ecs.n1.tiny',
        },
      ],
      pager: { page_number: 1, page_size: 10, total: 1 },
    });
    expect((await stats('2024-01-02')).instance_list[0]).toMatchObject({
      id: '1',
      startup_at: '2024-01-02 00:00:00 +0800 CST',
      shutdown_at: '2024-01-02 01:00:00 +0800 CST',
      startup_time: 3600,
    });
    expect([await total('2024-01-01'), await total('2024-01-02'), await total('2024-01-03')]).toEqual([3597, 3600, 0]);
  });

  it('counts a machine still running up to now, with an empty shutdown_at', async () => {
    await bx.cluster('live');
    await bx.expand('live', 2);
    await bx.advance(3500 + 600_000);
    const day = await stats('2024-01-01');
    expect(day.instance_list.map((r: any) => [r.shutdown_at, r.startup_time])).toEqual([
      ['', 600],
      ['', 600],
    ]);
    expect(await total('2024-01-01', { cluster_name: 'live' })).toBe(1200);
    // A past day of a machine still running ends at its midnight.
    await bx.advance(3_600_000);
    expect((await stats('2024-01-01')).instance_list[0]).toMatchObject({
      shutdown_at: '2024-01-02 00:00:00 +0800 CST',
      startup_time: 3597,
    });
  });

  it('keeps usage per cluster and sums all clusters without one', async () => {
    await bx.cluster('a');
    await bx.cluster('b');
    await bx.expand('a', 1);
    await bx.expand('b', 2);
    await bx.advance(3500 + 100_000);
    expect(await total('2024-01-01', { cluster_name: 'a' })).toBe(100);
    expect(await total('2024-01-01', { cluster_name: 'b' })).toBe(200);
    expect(await total('2024-01-01')).toBe(300);
    expect(await total('2024-01-01', { cluster_name: 'none' })).toBe(0);
    const page2 = await stats('2024-01-01', { page_size: 2, page_number: 2 });
    expect([page2.instance_list.length, page2.pager]).toEqual([1, { page_number: 2, page_size: 2, total: 3 }]);
  });

  it('counts no time for a machine that never ran, and stops counting when one falls into Error', async () => {
    await bx.control('POST', '/bridgx/task-failures', { failures: 1 });
    await bx.cluster('e');
    await bx.expand('e', 2);
    await bx.advance(3500 + 60_000);
    const running = (await bx.machines({ status: 'running' }))[0].instance_id;
    await bx.control('POST', `/instances/${running}/force`, { status: 'Error' });
    await bx.advance(60_000);
    const day = await stats('2024-01-01');
    expect(day.instance_list).toEqual([
      expect.objectContaining({
        instance_id: running,
        startup_at: '2024-01-01 23:00:03 +0800 CST',
        shutdown_at: '2024-01-01 23:01:03 +0800 CST',
        startup_time: 60,
      }),
    ]);
  });

  it('refuses a missing or malformed date', async () => {
    for (const date of [undefined, '', '2024-13-01', '2024-02-30', '2024-1-1', '01/01/2024', '2024-01-01T00:00'])
      for (const path of ['/api/v1/instance/usage_total', '/api/v1/instance/usage_statistics'])
        expect((await bx.get(path, date === undefined ? {} : { date })).json).toEqual(PARAM_INVALID);
  });
});
