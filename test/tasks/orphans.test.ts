/**
 * The orphan audit and the platform that acts late. A create times out, the
 * engine waits out the list lag and sends it again, and the first create takes
 * effect long after: the platform then holds one machine more than the task
 * made, carrying the task's marker. The audit must find it and, by the
 * template's policy, adopt it into the group or delete it, and say so on the
 * task (an event, a count), the template and a metric. Never silent.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditAccount } from '../../src/tasks/orphan-audit.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startScaling, type Json, type Scaling } from '../support/scaling.ts';

let iso: Isolated;
let s: Scaling;
beforeAll(async () => {
  iso = await isolate();
  s = await startScaling(iso);
  s.worker();
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});

const engine = () => s.t.services.engine();
const account = () => s.t.prisma.account.findUniqueOrThrow({ where: { id: s.accountId } });
const members = () => s.t.prisma.instance.count({ where: { templateId: s.templateId, deletedAt: null } });

/** An expand of `count` during which one create is answered too late and acts after the task ends. */
async function lateActingExpand(count: number): Promise<Json> {
  const row = await account();
  const options = row.options as Json;
  // The client gives up at 300 ms; the list lag is 300 ms; the platform acts at 4 s, long after.
  await s.call('PATCH', `/v1/accounts/${s.accountId}`, { options: { ...options, timeoutMs: 300, listLagMs: 300 } });
  s.sim.engine.faults.add({ op: 'servers.create', kind: 'lost_answer', holdMs: 4_000, times: 1 });
  try {
    const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count });
    const task = await s.waitForTask(res.body.id);
    expect(task).toMatchObject({ status: 'succeeded', counts: { succeeded: count } });
    return task;
  } finally {
    // A merge patch: the two changed options back as they were (null removes one that was unset).
    await s.call('PATCH', `/v1/accounts/${s.accountId}`, {
      options: { timeoutMs: options.timeoutMs ?? null, listLagMs: options.listLagMs ?? null },
    });
  }
}

describe('a platform that acts after the engine stopped looking', () => {
  it('is adopted into the group by the audit, and reported on the task, the template and the metric', async () => {
    const before = await members();
    const task = await lateActingExpand(3);
    // 1. the late create lands: the platform holds one more machine with this task's marker
    const marked = () =>
      s.sim.engine.instances.all().filter((m) => m.name.includes(task.id.replace(/-/g, '').slice(0, 8)));
    await vi.waitFor(() => expect(marked()).toHaveLength(4), { timeout: 10_000, interval: 100 });
    expect(await members()).toBe(before + 3);

    // 2. the audit finds it, adopts it and says so
    const found = await auditAccount(engine(), await account());
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ taskId: task.id, templateId: s.templateId, action: 'adopted' });
    expect(await members()).toBe(before + 4);
    expect((await s.call('GET', `/v1/tasks/${task.id}`)).body.orphansFound).toBe(1);
    const tpl = (await s.call('GET', `/v1/templates/${s.templateId}`)).body;
    expect(tpl).toMatchObject({ orphansFound: 1, orphanPolicy: 'adopt' });
    expect(tpl.lastOrphanAt).not.toBeNull();
    const events = await s.t.prisma.taskEvent.findMany({ where: { taskId: task.id, type: 'task.orphan_found' } });
    expect(events.map((e) => (e.data as Json).providerId)).toEqual([found[0]!.machine.providerId]);
    expect(await s.t.metrics.metrics()).toMatch(
      /cloudplane_orphans_found_total\{provider="h3c-cloudos",action="adopted"\} 1/,
    );

    // 3. a second audit finds nothing new: an adopted machine is a member like the others
    expect(await auditAccount(engine(), await account())).toEqual([]);
    // 4. and it can be shrunk away like any member
    const shrink = await s.call('POST', `/v1/templates/${s.templateId}/shrink`, {
      instanceIds: [
        (await s.t.prisma.instance.findFirstOrThrow({ where: { providerId: found[0]!.machine.providerId } })).id,
      ],
    });
    expect((await s.waitForTask(shrink.body.id)).status).toBe('succeeded');
  }, 30_000);

  it("is deleted from the platform when the template's policy says so", async () => {
    expect((await s.call('PATCH', `/v1/templates/${s.templateId}`, { orphanPolicy: 'delete' })).status).toBe(200);
    const task = await lateActingExpand(2);
    const tag = task.id.replace(/-/g, '').slice(0, 8);
    const marked = () => s.sim.engine.instances.all().filter((m) => m.name.includes(tag) && m.state !== 'deleting');
    await vi.waitFor(() => expect(marked()).toHaveLength(3), { timeout: 10_000, interval: 100 });
    const found = await auditAccount(engine(), await account());
    expect(found.map((f) => f.action)).toEqual(['deleted']);
    await vi.waitFor(() => expect(marked()).toHaveLength(2), { timeout: 10_000, interval: 100 });
    expect((await s.call('GET', `/v1/tasks/${task.id}`)).body.orphansFound).toBe(1);
  }, 30_000);

  it('leaves machines of a task that is still running to that task', async () => {
    s.sim.engine.configure({ delays: { bootMs: 3_000 } });
    try {
      const res = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 2 });
      await vi.waitFor(
        async () =>
          expect(await s.t.prisma.taskItem.count({ where: { taskId: res.body.id, state: 'waiting' } })).toBe(2),
        { timeout: 5_000, interval: 20 },
      );
      // A plain sync records the machines without making them members yet; the audit must not step in.
      await s.t.prisma.instance.updateMany({ where: { taskId: res.body.id }, data: { templateId: null } });
      expect(await auditAccount(engine(), await account())).toEqual([]);
      expect((await s.waitForTask(res.body.id)).status).toBe('succeeded');
    } finally {
      s.sim.engine.configure({ delays: { bootMs: 300 } });
    }
  }, 30_000);
});
