/**
 * Exactly-once under kill -9, for every platform the engine can scale (its
 * own simulator and demo account): an expand of 30 runs in real worker child
 * processes that are SIGKILLed at varied points (early, mid-way, late, and
 * while machines boot) and restarted. Every run must end with exactly 30
 * running machines on the platform and in Postgres: no duplicates, no
 * orphans, no item without its machine.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { isolate, type Isolated } from '../support/context.ts';
import { startTestApp, type TestApp } from '../support/app.ts';
import { kindAccountAndTemplate, scalableKinds, startKind, type KindHarness } from '../support/kinds.ts';
import { spawnRole, type RoleProcess } from '../support/processes.ts';

describe.each(scalableKinds())('$kind ($scaling)', ({ kind }) => {
  let iso: Isolated;
  let t: TestApp;
  let sim: KindHarness;
  /** Machines the simulator held before a test (its own seeds, an earlier test's): not the task's. */
  let preexisting = new Set<string>();

  beforeAll(async () => {
    iso = await isolate();
    t = await startTestApp(iso);
    sim = await startKind(kind);
    // Slow enough calls that kills land while creates are in flight; lists lag behind creates.
    await sim.control('PATCH', '/config', {
      delays: { bootMs: 800, deleteMs: 100 },
      latency: { fixedMs: 120 },
      listLagMs: 250,
    });
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await iso?.close();
  });

  const call = async (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    (await t.call(method, url, payload)).body;

  function worker(): RoleProcess {
    return spawnRole('worker', {
      DATABASE_URL: iso.config.databaseUrl,
      REDIS_URL: iso.config.redisUrl,
      CLOUDPLANE_REDIS_PREFIX: iso.config.redisPrefix,
      CLOUDPLANE_SECRET_KEY: iso.config.secretKey.toString('hex'),
      CLOUDPLANE_JOB_LOCK_SECONDS: '2',
      CLOUDPLANE_TASK_POLL_MS: '100',
      LOG_LEVEL: 'warn',
    });
  }

  describe('a worker killed with -9 during an expand of 30', () => {
    it('ends with exactly 30 running machines on the platform and in Postgres, no duplicate, no orphan', async () => {
      // Three calls at a time, ten a second: the creates take seconds, so every kill lands mid-task.
      preexisting = new Set((await sim.machines()).map((m) => m.id));
      const { account, template } = await kindAccountAndTemplate(t.call, sim, `crash-${kind}`, {
        concurrency: 3,
        ratePerSecond: 10,
        listLagMs: 600,
      });
      const task = await call('POST', `/v1/templates/${template.id}/expand`, { count: 30 });

      const progressed = () =>
        t.prisma.taskItem.count({ where: { taskId: task.id, state: { in: ['submitted', 'waiting', 'succeeded'] } } });
      let inFlightAtKills = 0;
      // 1-4. kill after a few creates, mid-way, late, and once every create is out (machines booting)
      for (const threshold of [2, 11, 21, 30]) {
        const w = worker();
        await vi.waitFor(async () => expect(await progressed()).toBeGreaterThanOrEqual(threshold), {
          timeout: 30_000,
          interval: 15,
        });
        w.child.kill('SIGKILL');
        expect((await w.exited).signal).toBe('SIGKILL');
        inFlightAtKills += await t.prisma.taskItem.count({
          where: { taskId: task.id, state: 'submitted', instanceId: null },
        });
      }
      // 5. a last worker finishes the job
      const last = worker();
      await vi.waitFor(
        async () => expect((await call('GET', `/v1/tasks/${task.id}`)).status).toMatch(/succeeded|failed|cancelled/),
        { timeout: 60_000, interval: 200 },
      );
      last.child.kill('SIGTERM');
      await last.exited;

      const final = await call('GET', `/v1/tasks/${task.id}`);
      expect(final).toMatchObject({
        status: 'succeeded',
        counts: { requested: 30, succeeded: 30, failed: 0, inProgress: 0 },
      });
      // At least one kill hit a create whose answer was never recorded: the hard case was exercised.
      expect(inFlightAtKills).toBeGreaterThan(0);

      // The platform: exactly 30 machines, 30 distinct names, all running.
      const onPlatform = (await sim.machines()).filter((m) => !preexisting.has(m.id));
      expect(onPlatform).toHaveLength(30);
      // Where the platform keeps names, each marker once (some platforms name no machine).
      const named = onPlatform.filter((m) => m.name);
      expect(new Set(named.map((m) => m.name)).size).toBe(named.length);
      expect(onPlatform.every((m) => m.state === 'running')).toBe(true);

      // Postgres: the same 30, running, owned by the task and template; every item holds one of them.
      const recorded = await t.prisma.instance.findMany({ where: { accountId: account.id, deletedAt: null } });
      expect(recorded).toHaveLength(30);
      expect(
        recorded.every((r) => r.status === 'running' && r.taskId === task.id && r.templateId === template.id),
      ).toBe(true);
      expect(new Set(recorded.map((r) => r.providerId))).toEqual(new Set(onPlatform.map((m) => m.id)));
      const items = await t.prisma.taskItem.findMany({ where: { taskId: task.id } });
      expect(new Set(items.map((i) => i.instanceId))).toEqual(new Set(onPlatform.map((m) => m.id)));
    }, 120_000);

    it('hands a running task back to the queue on SIGTERM; another worker finishes it without a duplicate', async () => {
      preexisting = new Set((await sim.machines()).map((m) => m.id));
      const { template } = await kindAccountAndTemplate(t.call, sim, `drain-${kind}`, {
        concurrency: 2,
        ratePerSecond: 5,
        listLagMs: 600,
      });
      const task = await call('POST', `/v1/templates/${template.id}/expand`, { count: 8 });
      // 1. a worker starts the task
      const first = worker();
      await vi.waitFor(
        async () =>
          expect(
            await t.prisma.taskItem.count({ where: { taskId: task.id, state: { not: 'planned' } } }),
          ).toBeGreaterThan(0),
        { timeout: 30_000, interval: 20 },
      );
      // 2. it is asked to stop: it must exit promptly and cleanly, not run the task to its end
      const asked = Date.now();
      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      expect(Date.now() - asked).toBeLessThan(10_000);
      expect((await call('GET', `/v1/tasks/${task.id}`)).status).toBe('running');
      // 3. another worker picks the handed-back job up at once and finishes
      const second = worker();
      await vi.waitFor(async () => expect((await call('GET', `/v1/tasks/${task.id}`)).status).toBe('succeeded'), {
        timeout: 60_000,
        interval: 200,
      });
      second.child.kill('SIGTERM');
      await second.exited;
      const mine = (await sim.machines()).filter((m) => !preexisting.has(m.id));
      expect(mine).toHaveLength(8);
      expect(new Set(mine.filter((m) => m.name).map((m) => m.name)).size).toBe(mine.filter((m) => m.name).length);
      expect(
        await t.prisma.instance.count({ where: { templateId: template.id, deletedAt: null, status: 'running' } }),
      ).toBe(8);
    }, 120_000);
  });
});
