/**
 * Native group scaling through the task engine, on the legacy cluster API's simulator: a
 * platform expand whose answer is lost is never repeated (the new members are found by the
 * group's membership), and one that failed before the platform acted is sent again once the
 * list lag proves nothing joined. Counted on the simulator's own call log.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { startWorker } from '../../../src/tasks/worker.ts';
import { isolate, type Isolated } from '../../support/context.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { kindAccountAndTemplate, startKind, type KindHarness, startEngineWorker } from '../../support/kinds.ts';

let iso: Isolated;
let t: TestApp;
let sim: KindHarness;
let worker: ReturnType<typeof startWorker>;
let templateId: string;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startKind('legacy-cluster');
  worker = startEngineWorker(t, iso, { concurrency: 2 });
  // The client gives up after 500 ms; a new member may take 1 s to show.
  const made = await kindAccountAndTemplate(t.call, sim, 'native', { timeoutMs: 500, listLagMs: 1_000 });
  templateId = made.template.id;
});
afterAll(async () => {
  await worker?.close();
  await t?.close();
  await sim?.close();
  await iso?.close();
});

const expands = async () =>
  ((await sim.control('GET', '/calls')).counts as Record<string, number>)['cluster.expand'] ?? 0;

async function expandOf(count: number) {
  const before = new Set((await sim.machines()).map((m) => m.id));
  const calls = await expands();
  const res = await t.call('POST', `/v1/templates/${templateId}/expand`, { count });
  expect(res.status).toBe(202);
  let task = res.body;
  await vi.waitFor(
    async () => {
      task = (await t.call('GET', `/v1/tasks/${res.body.id}`)).body;
      expect(task.status).toMatch(/succeeded|failed/);
    },
    { timeout: 30_000, interval: 100 },
  );
  const fresh = (await sim.machines()).filter((m) => !before.has(m.id));
  return { task, fresh, calls: (await expands()) - calls };
}

describe('a native group expand', () => {
  it('whose answer is lost after the platform acted is not repeated: its machines are found in the group', async () => {
    await sim.control('POST', '/faults', { op: 'cluster.expand', kind: 'lost_answer', holdMs: 800, times: 1 });
    const { task, fresh, calls } = await expandOf(4);
    expect(task).toMatchObject({ status: 'succeeded', counts: { requested: 4, succeeded: 4 } });
    expect(calls).toBe(1);
    expect(fresh).toHaveLength(4);
  }, 40_000);

  it('that failed before the platform acted is sent again once the list lag shows nothing joined', async () => {
    await sim.control('POST', '/faults', { op: 'cluster.expand', kind: 'http_error', status: 503, times: 1 });
    const { task, fresh, calls } = await expandOf(3);
    expect(task).toMatchObject({ status: 'succeeded', counts: { requested: 3, succeeded: 3 } });
    expect(calls).toBe(2);
    expect(fresh).toHaveLength(3);
    const events = await t.prisma.taskEvent.findMany({ where: { taskId: task.id, type: 'group.call_lost' } });
    expect(events).toHaveLength(1);
  }, 40_000);
});
