import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startScaling, type Json, type Scaling } from '../support/scaling.ts';
import { runTask } from '../../src/tasks/run-task.ts';

let iso: Isolated;
let s: Scaling;
beforeAll(async () => {
  iso = await isolate({ CLOUDPLANE_TASK_MAX_COUNT: '50' });
  s = await startScaling(iso);
  s.worker();
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});

const live = async (templateId: string) =>
  s.t.prisma.instance.findMany({ where: { templateId, deletedAt: null }, orderBy: { firstSeenAt: 'asc' } });
const simMachines = () => s.sim.engine.instances.all().filter((i) => i.state !== 'deleting');

describe('expand and shrink', () => {
  it('expands the group: 202 with Location, then every machine running on the platform and in Postgres', async () => {
    const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 5, reason: 'ci #42' });
    expect(res.status).toBe(202);
    expect(res.headers.location).toBe(`/v1/tasks/${res.body.id}`);
    expect(res.headers['retry-after']).toBeDefined();
    expect(res.body).toMatchObject({
      kind: 'expand',
      counts: { requested: 5 },
      reason: 'ci #42',
      requestedBy: 'test-admin',
    });

    const task = await s.waitForTask(res.body.id);
    expect(task).toMatchObject({
      status: 'succeeded',
      counts: { requested: 5, succeeded: 5, failed: 0, inProgress: 0 },
    });
    const machines = await live(s.templateId);
    expect(machines).toHaveLength(5);
    expect(machines.every((m) => m.status === 'running' && m.taskId === res.body.id)).toBe(true);
    expect(simMachines()).toHaveLength(5);

    const items = await s.call('GET', `/v1/tasks/${res.body.id}/instances?limit=3`);
    expect(items.body.items).toHaveLength(3);
    expect(items.body.items[0]).toMatchObject({
      seq: 1,
      action: 'create',
      state: 'succeeded',
      instance: { status: 'running' },
    });
    const rest = await s.call('GET', `/v1/tasks/${res.body.id}/instances?limit=3&cursor=${items.body.nextCursor}`);
    expect(rest.body.items.map((i: Json) => i.seq)).toEqual([4, 5]);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('shrinks the newest machines by count and waits until the platform reports them gone', async () => {
    const before = await live(s.templateId);
    const res = await s.call('POST', `/v1/templates/${s.templateId}/shrink`, { count: 2 });
    expect(res.status).toBe(202);
    const task = await s.waitForTask(res.body.id);
    expect(task).toMatchObject({ status: 'succeeded', policy: 'newest', counts: { requested: 2, succeeded: 2 } });
    const after = await live(s.templateId);
    expect(after).toHaveLength(3);
    const newest = [...before]
      .sort(
        (a, b) =>
          (b.launchedAt ?? b.firstSeenAt).getTime() - (a.launchedAt ?? a.firstSeenAt).getTime() ||
          (a.id < b.id ? -1 : 1),
      )
      .slice(0, 2);
    for (const gone of newest) expect(after.map((m) => m.id)).not.toContain(gone.id);
    expect(simMachines()).toHaveLength(3);
  });

  it('shrinks exactly the machines named', async () => {
    const [victim] = await live(s.templateId);
    const res = await s.call('POST', `/v1/templates/${s.templateId}/shrink`, { instanceIds: [victim!.id] });
    expect((await s.waitForTask(res.body.id)).status).toBe('succeeded');
    expect((await live(s.templateId)).map((m) => m.id)).not.toContain(victim!.id);
    expect(s.sim.engine.instances.all().map((i) => i.id)).not.toContain(victim!.providerId);
  });

  it.each([
    ['zero', 'expand', { count: 0 }],
    ['negative', 'expand', { count: -3 }],
    ['above the maximum', 'expand', { count: 51 }],
    ['larger than the group', 'shrink', { count: 3 }],
    ['both count and ids', 'shrink', { count: 1, instanceIds: ['00000000-0000-4000-8000-000000000000'] }],
    ['a machine outside the group', 'shrink', { instanceIds: ['00000000-0000-4000-8000-000000000000'] }],
  ])('refuses a count that is %s with 422 and creates nothing', async (_label, kind, body) => {
    const tasks = await s.t.prisma.task.count();
    const res = await s.call('POST', `/v1/templates/${s.templateId}/${kind}`, body);
    expect(res.status).toBe(422);
    expect(res.body.type).toBe('/problems/validation-failed');
    expect(res.body.errors.length).toBeGreaterThan(0);
    expect(await s.t.prisma.task.count()).toBe(tasks);
  });

  it('answers 404 for an unknown template', async () => {
    const res = await s.call('POST', '/v1/templates/00000000-0000-4000-8000-000000000000/expand', { count: 1 });
    expect(res.status).toBe(404);
  });

  it('returns the same task for a resubmission with the same Idempotency-Key', async () => {
    const key = { 'idempotency-key': 'pipeline-7-expand' };
    const a = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 }, key);
    const b = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 }, key);
    expect(b.status).toBe(202);
    expect(b.body.id).toBe(a.body.id);
    expect(b.headers.location).toBe(a.headers.location);
    expect(await s.t.prisma.task.count({ where: { id: a.body.id } })).toBe(1);
    await s.waitForTask(a.body.id);
  });

  it('returns the task made by a first attempt that died before answering, when the client retries the key', async () => {
    const key = { 'idempotency-key': 'pipeline-8-expand' };
    const first = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 }, key);
    // The process died after committing the task but before storing the answer: the claim is left in flight.
    await s.t.prisma.idempotencyRecord.updateMany({
      where: { key: 'pipeline-8-expand' },
      data: { state: 'in_flight', responseStatus: null, createdAt: new Date(Date.now() - 10 * 60_000) },
    });
    const tasks = await s.t.prisma.task.count();
    const retry = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 }, key);
    expect(retry.status).toBe(202);
    expect(retry.body.id).toBe(first.body.id);
    expect(await s.t.prisma.task.count()).toBe(tasks);
    await s.waitForTask(first.body.id);
  });

  it('runs two tasks on one template in order: the second queues behind the first', async () => {
    s.sim.engine.configure({ delays: { bootMs: 600 } });
    try {
      const first = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 3 });
      const second = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 2 });
      expect(second.status).toBe(202);
      expect(second.body.status).toBe('queued');
      const [a, b] = [await s.waitForTask(first.body.id), await s.waitForTask(second.body.id)];
      expect(a.status).toBe('succeeded');
      expect(b.status).toBe('succeeded');
      expect(new Date(b.startedAt).getTime()).toBeGreaterThanOrEqual(new Date(a.finishedAt).getTime());
    } finally {
      s.sim.engine.configure({ delays: { bootMs: 300 } });
    }
  });

  it('lists tasks newest first with filters and a cursor', async () => {
    const all = await s.call('GET', `/v1/tasks?template=${s.templateId}&limit=2`);
    expect(all.body.items).toHaveLength(2);
    const times = all.body.items.map((t: Json) => new Date(t.createdAt).getTime());
    expect(times[0]).toBeGreaterThanOrEqual(times[1]);
    const next = await s.call('GET', `/v1/tasks?template=${s.templateId}&limit=2&cursor=${all.body.nextCursor}`);
    expect(next.body.items.map((t: Json) => t.id)).not.toContain(all.body.items[0].id);
    const shrinks = await s.call('GET', '/v1/tasks?kind=shrink&status=succeeded');
    expect(shrinks.body.items.length).toBe(2);
    expect(shrinks.body.items.every((t: Json) => t.kind === 'shrink')).toBe(true);
    const future = await s.call(
      'GET',
      `/v1/tasks?since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
    );
    expect(future.body.items).toEqual([]);
  });
});

describe('failures', () => {
  it('keeps what was created when one create fails for good (onFailure keep)', async () => {
    s.sim.engine.faults.add({
      op: 'servers.create',
      kind: 'refuse',
      status: 400,
      code: '400',
      message: 'Invalid flavor for this zone',
      after: 1,
      times: 1,
    });
    const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 3 });
    const task = await s.waitForTask(res.body.id);
    expect(task).toMatchObject({ status: 'partially_succeeded', counts: { requested: 3, succeeded: 2, failed: 1 } });
    expect(task.errorSummary).toContain('Invalid flavor for this zone');
    const items = (await s.call('GET', `/v1/tasks/${res.body.id}/instances`)).body.items;
    expect(items.find((i: Json) => i.state === 'failed')).toMatchObject({
      errorCode: '400',
      errorMessage: 'Invalid flavor for this zone',
    });
    expect(await s.t.prisma.instance.count({ where: { taskId: res.body.id, deletedAt: null } })).toBe(2);
  });

  it('deletes everything the task created when a create fails and onFailure is rollback', async () => {
    s.sim.engine.faults.add({
      op: 'servers.create',
      kind: 'refuse',
      status: 403,
      code: '403',
      message: 'Quota exceeded for instances',
      after: 2,
      times: 1,
    });
    const before = simMachines().length;
    const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 4, onFailure: 'rollback' });
    const task = await s.waitForTask(res.body.id);
    expect(task.status).toBe('failed');
    expect(task.errorSummary).toMatch(/Rolled back 3 machine/);
    expect(simMachines()).toHaveLength(before);
    expect(await s.t.prisma.instance.count({ where: { taskId: res.body.id, deletedAt: null } })).toBe(0);
    const events = await s.t.prisma.taskEvent.findMany({ where: { taskId: res.body.id }, orderBy: { id: 'asc' } });
    expect(events.map((e) => e.type)).toContain('task.rollback_started');
    expect(events.filter((e) => e.type === 'item.rolled_back')).toHaveLength(3);
  });

  it('retries a rate-limited create and still ends with every machine', async () => {
    s.sim.engine.faults.add({ op: 'servers.create', kind: 'rate_limit', retryAfterSec: 0, times: 6 });
    const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 2 });
    const task = await s.waitForTask(res.body.id);
    expect(task).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } });
  });

  it('cancels mid-flight: no new machines start, those in flight settle, the outcome is recorded', async () => {
    s.sim.engine.configure({ delays: { bootMs: 1_500 } });
    try {
      await s.t.prisma.account.update({
        where: { id: s.accountId },
        data: {
          options: {
            ...((await s.t.prisma.account.findUniqueOrThrow({ where: { id: s.accountId } })).options as Json),
            concurrency: 1,
            ratePerSecond: 2,
          },
        },
      });
      const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 10 });
      await new Promise((r) => setTimeout(r, 1_200));
      const cancel = await s.call('POST', `/v1/tasks/${res.body.id}/cancel`);
      expect(cancel.status).toBe(202);
      expect(['cancelling', 'cancelled']).toContain(cancel.body.status);
      const task = await s.waitForTask(res.body.id);
      expect(task.status).toBe('cancelled');
      const items = (await s.call('GET', `/v1/tasks/${res.body.id}/instances?limit=100`)).body.items as Json[];
      const started = items.filter((i) => i.state === 'succeeded');
      const cancelled = items.filter((i) => i.state === 'cancelled');
      expect(started.length).toBeGreaterThan(0);
      expect(cancelled.length).toBeGreaterThan(0);
      expect(started.length + cancelled.length).toBe(10);
      expect(task.counts).toMatchObject({ succeeded: started.length, inProgress: 0 });
      expect(await s.t.prisma.instance.count({ where: { taskId: res.body.id, status: 'running' } })).toBe(
        started.length,
      );
      const again = await s.call('POST', `/v1/tasks/${res.body.id}/cancel`);
      expect(again.body).toMatchObject({ status: 409 });
    } finally {
      s.sim.engine.configure({ delays: { bootMs: 300 } });
      const row = await s.t.prisma.account.findUniqueOrThrow({ where: { id: s.accountId } });
      const { concurrency: _c, ratePerSecond: _r, ...rest } = row.options as Json;
      await s.t.prisma.account.update({ where: { id: s.accountId }, data: { options: rest } });
    }
  });

  it('does not create twice when a create times out but the platform makes the machine later', async () => {
    const row = await s.t.prisma.account.findUniqueOrThrow({ where: { id: s.accountId } });
    const options = row.options as Json;
    await s.call('PATCH', `/v1/accounts/${s.accountId}`, { options: { ...options, timeoutMs: 800, listLagMs: 1_000 } });
    try {
      // The client gives up at 800 ms; the platform acts at 1.5 s and its answer is lost. The list lag
      // (1 s) must be counted from when the call ended, not from when it was sent, or the create is repeated.
      s.sim.engine.faults.add({ op: 'servers.create', kind: 'lost_answer', holdMs: 1_500, times: 1 });
      const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 });
      const task = await s.waitForTask(res.body.id);
      expect(task).toMatchObject({ status: 'succeeded', counts: { succeeded: 1 } });
      const [item] = (await s.call('GET', `/v1/tasks/${res.body.id}/instances`)).body.items;
      expect(item.attempts).toBe(1);
      expect(s.sim.engine.instances.all().filter((m) => m.name === item.marker)).toHaveLength(1);
    } finally {
      // A merge patch: the two changed options back as they were (null removes one that was unset).
      await s.call('PATCH', `/v1/accounts/${s.accountId}`, {
        options: { timeoutMs: options.timeoutMs ?? null, listLagMs: options.listLagMs ?? null },
      });
    }
  });

  it("keeps following a task's machines when the template's name prefix changes mid-task", async () => {
    s.sim.engine.configure({ delays: { bootMs: 800 } });
    try {
      const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 2 });
      await vi.waitFor(
        async () =>
          expect(await s.t.prisma.taskItem.count({ where: { taskId: res.body.id, state: 'waiting' } })).toBe(2),
        {
          timeout: 5_000,
          interval: 20,
        },
      );
      expect((await s.call('PATCH', `/v1/templates/${s.templateId}`, { namePrefix: 'renamed' })).status).toBe(200);
      expect(await s.waitForTask(res.body.id)).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } });
    } finally {
      s.sim.engine.configure({ delays: { bootMs: 300 } });
    }
  });

  it('accepts only one of two concurrent shrinks that together ask for more than the group has', async () => {
    const live = await s.t.prisma.instance.count({
      where: { templateId: s.templateId, deletedAt: null, status: { notIn: ['deleting', 'deleted'] } },
    });
    const [a, b] = await Promise.all([
      s.call('POST', `/v1/templates/${s.templateId}/shrink`, { count: live }),
      s.call('POST', `/v1/templates/${s.templateId}/shrink`, { count: live }),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 422]);
    const accepted = a.status === 202 ? a : b;
    expect(await s.waitForTask(accepted.body.id)).toMatchObject({
      status: 'succeeded',
      counts: { requested: live, succeeded: live },
    });
  });

  it('refuses cursors and event ids it never issued with 422, not a 500 or a broken stream', async () => {
    const [task] = (await s.call('GET', '/v1/tasks?limit=1')).body.items;
    const huge = Buffer.from('99999999999').toString('base64url');
    expect((await s.call('GET', `/v1/tasks/${task.id}/instances?cursor=${huge}`)).status).toBe(422);
    expect(
      (await s.call('GET', `/v1/tasks/${task.id}/events`, undefined, { 'last-event-id': '99999999999999999999' }))
        .status,
    ).toBe(422);
  });

  it('creates each machine once even when several workers run the same task at once (a stalled worker that lost its lock)', async () => {
    const before = new Set(s.sim.engine.instances.all().map((m) => m.id));
    const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 20 });
    // The queue's worker runs it; two more runners are forced onto the same task beside it.
    const engine = { ...s.t.services.engine(), settings: { ...s.t.services.engine().settings, pollMs: 100 } };
    const stop = new AbortController();
    await Promise.all([runTask(engine, res.body.id, stop.signal), runTask(engine, res.body.id, stop.signal)]);
    const task = await s.waitForTask(res.body.id);
    expect(task).toMatchObject({ status: 'succeeded', counts: { succeeded: 20 } });
    const made = s.sim.engine.instances.all().filter((m) => !before.has(m.id));
    expect(made).toHaveLength(20);
    expect(new Set(made.map((m) => m.name)).size).toBe(20);
  });
});
