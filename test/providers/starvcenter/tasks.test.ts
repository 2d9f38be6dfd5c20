/**
 * Creates answered by a platform job, through the task engine, on the StarVCenter simulator:
 * a job that fails fails its item with the platform's code; a job that never ends is bounded by
 * the task deadline; a job that finished before its machine is listed is never sent again; a
 * refusal reaches the client decoded, never as Base64.
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

beforeAll(async () => {
  iso = await isolate();
  t = await startTestApp(iso);
  sim = await startKind('starvcenter');
  worker = startEngineWorker(t, iso, { concurrency: 2, settings: { deadlineMs: 4_000 } });
  const made = await kindAccountAndTemplate(t.call, sim, 'jobs', { listLagMs: 300 });
  accountId = made.account.id;
  templateId = made.template.id;
}, 60_000);
afterAll(async () => {
  await worker?.close();
  await t?.close();
  await sim?.close();
  await iso?.close();
});

const creates = async () =>
  ((await sim.control('GET', '/calls')).counts as Record<string, number>)['cloudvm.create'] ?? 0;

async function expand(count: number): Promise<Json> {
  const res = await t.call('POST', `/v1/templates/${templateId}/expand`, { count });
  expect(res.status).toBe(202);
  let task: Json = {};
  await vi.waitFor(
    async () => {
      task = (await t.call('GET', `/v1/tasks/${res.body.id}`)).body;
      expect(task.status).toMatch(/succeeded|failed/);
    },
    { timeout: 20_000, interval: 100 },
  );
  return task;
}

describe('creates answered by a platform job', () => {
  it("a job that fails fails its item with the platform's code, and is not sent again", async () => {
    await sim.control('POST', '/starvcenter/jobs', { outcome: 'fail', op: 'cloudvm.create', times: 1, code: '4' });
    const before = await creates();
    const task = await expand(2);
    expect(task).toMatchObject({ status: 'partially_succeeded', counts: { succeeded: 1, failed: 1 } });
    const items = (await t.call('GET', `/v1/tasks/${task.id}/instances`)).body.items as Json[];
    const failed = items.find((i) => i.state === 'failed')!;
    expect(failed.errorCode).toBeTruthy();
    expect(failed.errorMessage).not.toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect((await creates()) - before).toBe(2);
  }, 30_000);

  it('a job that never ends is bounded by the task deadline', async () => {
    await sim.control('POST', '/starvcenter/jobs', { outcome: 'hang', op: 'cloudvm.create', times: 1 });
    const before = await creates();
    const task = await expand(1);
    expect(task.status).toBe('failed');
    expect(task.errorSummary).toMatch(/deadline/);
    expect((await creates()) - before).toBe(1);
  }, 30_000);

  it('a job that finished before its machine is listed: no second create, the machine is found by its id', async () => {
    // Lists lag 3 s behind a create (longer than the account's 300 ms): only the job and a read by id can tell.
    await sim.control('PATCH', '/config', { listLagMs: 3_000 });
    try {
      const before = await creates();
      const task = await expand(2);
      expect(task).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } });
      expect((await creates()) - before).toBe(2);
    } finally {
      await sim.control('PATCH', '/config', { listLagMs: 0 });
    }
  }, 30_000);

  it("a refusal carries the platform's decoded code and message", async () => {
    const res = await t.call('POST', '/v1/instances', {
      accountId,
      spec: { instanceType: 'c2m4096', image: 'model:no-such-model' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body.provider).toBe('starvcenter');
    expect(res.body.providerMessage).toBeTruthy();
    expect(res.body.providerMessage).not.toMatch(/^[A-Za-z0-9+/]{16,}=*$/);
  });
});
