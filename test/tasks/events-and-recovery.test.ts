/**
 * Task events over Server-Sent Events (order, replay, end), a lost enqueue
 * repaired by the sweeper, and the deadline that keeps a task from running
 * forever.
 */
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startScaling, type Scaling } from '../support/scaling.ts';
import { lockTemplate, admit } from '../../src/tasks/scheduling.ts';
import { markerName } from '../../src/tasks/markers.ts';
import { readTaskEvents } from '../support/sse.ts';

let iso: Isolated;
let s: Scaling;
let baseUrl: string;
let mainWorker: ReturnType<Scaling['worker']>;

beforeAll(async () => {
  iso = await isolate();
  s = await startScaling(iso);
  await s.t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = s.t.app.server.address();
  baseUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});

/** Reads a whole SSE stream over real HTTP until the server ends it. */
const readStream = (taskId: string, lastEventId?: string) =>
  readTaskEvents(baseUrl, taskId, s.t.auth(s.t.keys.read), lastEventId);

describe('task events over SSE', () => {
  it('streams a live task from queued to finished, in order, then ends', async () => {
    const task = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 3 });
    // 1. connect before any worker runs: the stream must wait for live events
    const streamed = readStream(task.body.id);
    // 2. start the worker only now
    mainWorker = s.worker();
    const events = await streamed;
    const types = events.map((e) => e.event);
    expect(types[0]).toBe('task.queued');
    expect(types[1]).toBe('task.started');
    expect(types.filter((t) => t === 'item.created')).toHaveLength(3);
    expect(types.filter((t) => t === 'item.running')).toHaveLength(3);
    expect(types.at(-2)).toBe('task.finished');
    expect(types.at(-1)).toBe('end');
    expect(events.at(-2)!.data).toMatchObject({ status: 'succeeded', succeeded: 3 });
    // Every machine is created before it runs.
    for (const seq of [1, 2, 3]) {
      const created = events.findIndex((e) => e.event === 'item.created' && e.data.seq === seq);
      const running = events.findIndex((e) => e.event === 'item.running' && e.data.seq === seq);
      expect(created).toBeGreaterThan(-1);
      expect(running).toBeGreaterThan(created);
    }
    const ids = events.filter((e) => e.id).map((e) => BigInt(e.id!));
    expect([...ids].sort((a, b) => (a < b ? -1 : 1))).toEqual(ids);
  });

  it('replays a finished task from the start, and from Last-Event-ID only what came after', async () => {
    const [task] = (await s.call('GET', `/v1/tasks?template=${s.templateId}&status=succeeded&limit=1`)).body.items;
    const all = await readStream(task.id);
    expect(all.at(-1)!.event).toBe('end');
    const cut = all[2]!;
    const rest = await readStream(task.id, cut.id);
    expect(rest.map((e) => e.id)).toEqual(all.slice(3).map((e) => e.id));
  });

  it('answers an unknown task with a 404 problem, not a stream', async () => {
    const res = await request(`${baseUrl}/v1/tasks/00000000-0000-4000-8000-000000000000/events`, {
      headers: s.t.auth(s.t.keys.read),
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/problem\+json/);
    await res.body.dump();
  });
});

describe('recovery', () => {
  it('runs a task whose enqueue was lost (crash between commit and queue add), via the sweeper', async () => {
    // 1. write a task and its items as the API would, but never add its job
    const taskId = crypto.randomUUID();
    const tpl = await s.t.prisma.template.findUniqueOrThrow({ where: { id: s.templateId } });
    await s.t.prisma.$transaction(async (tx) => {
      await lockTemplate(tx, s.templateId);
      await tx.task.create({
        data: {
          id: taskId,
          kind: 'expand',
          templateId: s.templateId,
          accountId: s.accountId,
          requested: 2,
          params: { count: 2 },
        },
      });
      await tx.taskItem.createMany({
        data: [1, 2].map((seq) => ({
          taskId,
          seq,
          action: 'create' as const,
          marker: markerName((tpl.spec as { namePrefix: string }).namePrefix, taskId, seq),
        })),
      });
      expect(await admit(tx, s.templateId, taskId)).toBe(true);
    });
    expect(await s.t.queue.queue.getJob(taskId)).toBeUndefined();
    // 2. the worker's sweeper notices and the task completes
    const done = await s.waitForTask(taskId);
    expect(done).toMatchObject({ status: 'succeeded', counts: { succeeded: 2 } });
  });

  it('fails a task that outlives its deadline, with a clear reason, and frees the template', async () => {
    // Only a worker with a short deadline may pick the task up.
    await mainWorker.close();
    const slow = s.worker({ deadlineMs: 700 });
    s.sim.engine.configure({ delays: { bootMs: 5_000 } });
    try {
      const task = await s.call('POST', `/v1/templates/${s.templateId}/expand`, { count: 1 });
      const done = await s.waitForTask(task.body.id);
      expect(done.status).toBe('failed');
      expect(done.errorSummary).toMatch(/deadline/);
      const item = (await s.call('GET', `/v1/tasks/${task.body.id}/instances`)).body.items[0];
      expect(item).toMatchObject({ state: 'failed', errorCode: 'deadline_exceeded' });
      expect((await s.t.prisma.template.findUniqueOrThrow({ where: { id: s.templateId } })).activeTaskId).toBeNull();
    } finally {
      s.sim.engine.configure({ delays: { bootMs: 300 } });
      await slow.close();
    }
  });
});
