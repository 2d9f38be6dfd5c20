/**
 * BridgX through the unified API: the region's network sync as a platform job a client
 * follows; a template backed by a cluster (made with it; changes the platform cannot make
 * refused, the cluster kept on delete and said so); a platform task that partly fails, with
 * counts that match; and what a cancel can do when the platform runs the task itself.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { startWorker } from '../../../src/tasks/worker.ts';
import { isolate, type Isolated } from '../../support/context.ts';
import { startTestApp, type TestApp } from '../../support/app.ts';
import {
  kindAccountAndTemplate,
  startKind,
  type Json,
  type KindHarness,
  startEngineWorker,
} from '../../support/kinds.ts';

let iso: Isolated;
let t: TestApp;
let sim: KindHarness;
let worker: ReturnType<typeof startWorker>;
let accountId: string;
let templateId: string;
let spec: Json;

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startKind('bridgx');
  worker = startEngineWorker(t, iso, { concurrency: 2 });
  const made = await kindAccountAndTemplate(t.call, sim, 'bx-group', { listLagMs: 500 });
  accountId = made.account.id;
  templateId = made.template.id;
  spec = made.spec;
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await t?.close();
  await sim?.close();
  await iso?.close();
});

async function finished(taskId: string): Promise<Json> {
  let task: Json = {};
  await vi.waitFor(
    async () => {
      task = (await t.call('GET', `/v1/tasks/${taskId}`)).body;
      expect(task.status).toMatch(/succeeded|failed|cancelled/);
    },
    { timeout: 30_000, interval: 100 },
  );
  return task;
}

describe('network sync', () => {
  it('answers 202 with the platform job, followed at Location to its end', async () => {
    const res = await t.call('POST', `/v1/accounts/${accountId}/sync-networks`, {});
    expect(res.status).toBe(202);
    expect(res.headers.location).toMatch(new RegExp(`^/v1/accounts/${accountId}/jobs/`));
    const job = await t.call('GET', String(res.headers.location));
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ id: res.body.id, state: 'succeeded' });
  });
});

describe('a template backed by a cluster', () => {
  it('made the cluster on the platform', async () => {
    const row = await t.prisma.template.findUniqueOrThrow({ where: { id: templateId } });
    expect(row.groupId).toBeTruthy();
    const clusters = await t.call('POST', `/v1/accounts/${accountId}/operations/clusters.list`, {});
    expect(JSON.stringify(clusters.body)).toContain(row.groupId!);
  });

  it('refuses a spec change the platform cannot make, naming it, and changes nothing', async () => {
    const before = (await t.call('GET', `/v1/templates/${templateId}`)).body;
    const res = await t.call('PATCH', `/v1/templates/${templateId}`, { spec: { ...spec, tags: { tier: 'web' } } });
    expect(res.status).toBe(501);
    expect(res.body).toMatchObject({ provider: 'bridgx', operation: 'groups.update' });
    expect((await t.call('GET', `/v1/templates/${templateId}`)).body.spec).toEqual(before.spec);
  });

  it('a platform task that partly fails: the task says how many, the counts match the platform', async () => {
    await sim.control('POST', '/bridgx/task-failures', { failures: 2, action: 'EXPAND' });
    const res = await t.call('POST', `/v1/templates/${templateId}/expand`, { count: 5 });
    const task = await finished(res.body.id);
    expect(task).toMatchObject({ status: 'partially_succeeded', counts: { requested: 5, succeeded: 3, failed: 2 } });
    const running = (await sim.machines()).filter((m) => m.state === 'running');
    expect(running).toHaveLength(3);
  }, 40_000);

  it('a cancel stops what Cloudplane would still send; the platform task already running finishes and is counted', async () => {
    await sim.control('PATCH', '/bridgx/timing', { taskMinMs: 1_500 });
    try {
      const res = await t.call('POST', `/v1/templates/${templateId}/expand`, { count: 2 });
      await vi.waitFor(
        async () =>
          expect((await t.prisma.taskCall.count({ where: { taskId: res.body.id, state: 'sent' } })) > 0).toBe(true),
        { timeout: 10_000, interval: 20 },
      );
      expect((await t.call('POST', `/v1/tasks/${res.body.id}/cancel`)).status).toBe(202);
      const task = await finished(res.body.id);
      expect(task.status).toBe('cancelled');
      expect(task.counts).toMatchObject({ requested: 2, succeeded: 2 });
    } finally {
      await sim.control('PATCH', '/bridgx/timing', { taskMinMs: 0 });
    }
  }, 40_000);

  it('on delete, the platform keeps its cluster and the answer names it', async () => {
    const live = await t.prisma.instance.findMany({ where: { templateId, deletedAt: null } });
    const shrink = await t.call('POST', `/v1/templates/${templateId}/shrink`, { count: live.length });
    expect((await finished(shrink.body.id)).status).toBe('succeeded');
    const row = await t.prisma.template.findUniqueOrThrow({ where: { id: templateId } });
    const res = await t.call('DELETE', `/v1/templates/${templateId}`);
    expect(res.status).toBe(204);
    expect(res.headers['cloudplane-platform-group-kept']).toBe(row.groupId);
  }, 40_000);
});
