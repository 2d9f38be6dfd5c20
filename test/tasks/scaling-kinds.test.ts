/**
 * Every platform the engine can scale, through the unified task API, on its
 * own simulator and demo account: an expand of 20 followed over Server-Sent
 * Events, then a shrink of 5. The strategy (per machine, answered by a job,
 * native group, platform tasks) is the platform definition's; the API, the
 * states, the events and the counts are the same for all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { startWorker } from '../../src/tasks/worker.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import {
  kindAccountAndTemplate,
  scalableKinds,
  startKind,
  type Json,
  type KindHarness,
  startEngineWorker,
} from '../support/kinds.ts';
import { readTaskEvents } from '../support/sse.ts';

describe.each(scalableKinds())('$kind ($scaling)', ({ kind }) => {
  let iso: Isolated;
  let t: TestApp;
  let sim: KindHarness;
  let worker: ReturnType<typeof startWorker>;
  let baseUrl: string;
  let templateId: string;

  beforeAll(async () => {
    iso = await isolate();
    t = await startTestApp(iso);
    await t.app.listen({ host: '127.0.0.1', port: 0 });
    const address = t.app.server.address();
    baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    sim = await startKind(kind);
    worker = startEngineWorker(t, iso, { concurrency: 4 });
    const made = await kindAccountAndTemplate(t.call, sim, `group-${kind}`, { concurrency: 10, listLagMs: 500 });
    templateId = made.template.id;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await t?.close();
    await sim?.close();
    await iso?.close();
  });

  const members = () => t.prisma.instance.findMany({ where: { templateId, deletedAt: null } });
  let preexisting = new Set<string>();
  const made = async () => (await sim.machines()).filter((m) => !preexisting.has(m.id));
  const count = (events: { event: string }[], type: string) => events.filter((e) => e.event === type).length;

  it('expands by 20: the stream shows every machine run, the platform and the records hold exactly 20', async () => {
    // A simulator may hold machines of its own (seeded ones): the group's are the ones that appear.
    preexisting = new Set((await sim.machines()).map((m) => m.id));
    const res = await t.call('POST', `/v1/templates/${templateId}/expand`, { count: 20 });
    expect(res.status).toBe(202);
    const events = await readTaskEvents(baseUrl, res.body.id, t.auth(t.keys.read));
    expect(events[0]!.event).toBe('task.queued');
    expect(count(events, 'task.started')).toBe(1);
    expect(count(events, 'item.running')).toBe(20);
    const finished = events.find((e) => e.event === 'task.finished')!;
    expect(finished.data).toMatchObject({ status: 'succeeded', succeeded: 20, failed: 0 });
    expect(events.at(-1)!.event).toBe('end');

    const task = (await t.call('GET', `/v1/tasks/${res.body.id}`)).body as Json;
    expect(task).toMatchObject({ status: 'succeeded', counts: { requested: 20, succeeded: 20, inProgress: 0 } });
    const onPlatform = await made();
    expect(onPlatform).toHaveLength(20);
    expect(new Set(onPlatform.map((m) => m.name)).size).toBe(20);
    const recorded = await members();
    expect(recorded.every((r) => r.status === 'running')).toBe(true);
    expect(new Set(recorded.map((r) => r.providerId))).toEqual(new Set(onPlatform.map((m) => m.id)));
  }, 90_000);

  it('shrinks by 5: five members go, the platform and the records hold exactly 15', async () => {
    const before = await members();
    const res = await t.call('POST', `/v1/templates/${templateId}/shrink`, { count: 5 });
    expect(res.status).toBe(202);
    const events = await readTaskEvents(baseUrl, res.body.id, t.auth(t.keys.read));
    expect(events.find((e) => e.event === 'task.victims_chosen')!.data).toMatchObject({ count: 5 });
    expect(count(events, 'item.deleted')).toBe(5);
    expect(events.find((e) => e.event === 'task.finished')!.data).toMatchObject({ status: 'succeeded', succeeded: 5 });
    const after = await members();
    expect(after).toHaveLength(15);
    expect(await made()).toHaveLength(15);
    const gone = before.filter((b) => !after.some((a) => a.id === b.id));
    expect(gone).toHaveLength(5);
  }, 90_000);
});
