/**
 * Usage from BridgX's cost API: machines started and removed at known times on the simulator's
 * manual clock, read back per machine and per day in the platform's zone (UTC+08:00), including
 * a machine that runs across midnight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MachineSpec } from '../../../src/domain/machine-spec.ts';
import type { Provider } from '../../../src/providers/registry.ts';
import { DEMO_IMAGE } from '../../../src/providers/bridgx/simulator.ts';
import { PASSWORD, rejection, startBridgx, type BridgxHarness } from './harness.ts';

let h: BridgxHarness;
let p: Provider;

const HOUR = 3_600_000;
// 10:00 in UTC+08:00 on 2026-03-10.
const T0 = Date.parse('2026-03-10T02:00:00Z');

async function at(ms: number) {
  await h.control('POST', '/clock', { setMs: ms });
}
async function members(): Promise<string[]> {
  return (await p.listGroupMembers('cp-usage')).map((m) => m.providerId).sort();
}

let a: string, b: string, c: string;

beforeAll(async () => {
  // Tasks start at once and machines boot and go at once, so every interval has exact ends.
  h = await startBridgx({ timing: { taskStartMs: 0 }, config: { delays: { bootMs: 0, deleteMs: 0 } } });
  p = h.provider().provider;
  const spec = MachineSpec.parse({ instanceType: 'ecs.n1.tiny', image: DEMO_IMAGE, login: { password: PASSWORD } });
  await at(T0);
  await p.createGroup({ name: 'cp-usage', namePrefix: 'cp', spec, tags: {} });
  // 1. 10:00: two machines start.
  await p.expandGroup({ groupId: 'cp-usage', count: 2, requestId: 'usage-1' });
  [a, b] = (await members()) as [string, string];
  // 2. 11:00: the first goes.
  await at(T0 + HOUR);
  await p.shrinkGroup({ groupId: 'cp-usage', instanceIds: [a], requestId: 'usage-2' });
  expect(await members()).toEqual([b]);
  // 3. 23:00: a third starts.
  await at(T0 + 13 * HOUR);
  await p.expandGroup({ groupId: 'cp-usage', count: 1, requestId: 'usage-3' });
  c = (await members()).find((id) => id !== b)!;
  // 4. 01:00 the next day: both go.
  await at(T0 + 15 * HOUR);
  await p.shrinkGroup({ groupId: 'cp-usage', instanceIds: [b, c], requestId: 'usage-4' });
  expect(await members()).toEqual([]);
});
afterAll(() => h.close());

describe('usage', () => {
  it('reports seconds per machine and day, cut at midnight in UTC+08:00', async () => {
    const records = await p.getUsage({ from: '2026-03-10', to: '2026-03-11' });
    const sorted = (rs: typeof records) =>
      [...rs].sort((x, y) => (x.day + x.instanceId).localeCompare(y.day + y.instanceId));
    expect(sorted(records)).toEqual(
      sorted([
        { instanceId: a, day: '2026-03-10', seconds: 3600, groupId: 'cp-usage' },
        { instanceId: b, day: '2026-03-10', seconds: 14 * 3600, groupId: 'cp-usage' },
        { instanceId: c, day: '2026-03-10', seconds: 3600, groupId: 'cp-usage' },
        { instanceId: b, day: '2026-03-11', seconds: 3600, groupId: 'cp-usage' },
        { instanceId: c, day: '2026-03-11', seconds: 3600, groupId: 'cp-usage' },
      ]),
    );
  });

  it('takes instants as their day in UTC+08:00 and agrees with the daily total', async () => {
    // 2026-03-10T17:30Z is 01:30 on 2026-03-11 in the platform's zone.
    const late = await p.getUsage({ from: '2026-03-10T17:30:00Z', to: '2026-03-10T18:00:00Z' });
    expect(late.map((r) => r.day)).toEqual(['2026-03-11', '2026-03-11']);
    const total = (await p.runOperation('usage.total', { date: '2026-03-10', cluster: 'cp-usage' })) as {
      seconds: number;
    };
    expect(total.seconds).toBe(16 * 3600);
    expect(await p.getUsage({ from: '2026-03-12', to: '2026-03-12' })).toEqual([]);
  });

  it('refuses a range it cannot read before any call', async () => {
    await h.control('DELETE', '/calls');
    expect((await rejection(p.getUsage({ from: '2026-03-11', to: '2026-03-10' }))).kind).toBe('invalid');
    expect((await rejection(p.getUsage({ from: '2026-01-01', to: '2026-12-31' }))).kind).toBe('invalid');
    expect((await rejection(p.getUsage({ from: 'soon', to: 'later' }))).kind).toBe('invalid');
    expect(await h.counts()).toEqual({});
  });
});
