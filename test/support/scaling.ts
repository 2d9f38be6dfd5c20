/**
 * A full scaling setup for task tests: app, H3C simulator, an account and a
 * template on it, and an in-process worker running the real engine.
 */
import { vi } from 'vitest';
import { bullConnection } from '../../src/db/redis.ts';
import type { EngineSettings } from '../../src/tasks/engine-deps.ts';
import { startWorker } from '../../src/tasks/worker.ts';
import { startTestApp } from './app.ts';
import type { Isolated } from './context.ts';
import { accountAndTemplate, startH3c } from './h3c.ts';

export type Json = Record<string, any>;

export async function startScaling(
  iso: Isolated,
  opts: { settings?: Partial<EngineSettings>; accountOptions?: Json } = {},
) {
  const t = await startTestApp(iso);
  const sim = await startH3c();
  const workers: ReturnType<typeof startWorker>[] = [];

  const call = t.call;

  // Fast reconcile in tests: the simulator's lists do not lag unless a test makes them.
  const { account, template, spec } = await accountAndTemplate(call, sim, 'group', {
    listLagMs: 300,
    ...opts.accountOptions,
  });

  function worker(settings: Partial<EngineSettings> = {}) {
    const engine = t.services.engine();
    const w = startWorker({
      connection: bullConnection(iso.config.redisUrl),
      prefix: iso.config.redisPrefix,
      concurrency: 8,
      logger: t.logger,
      lockDurationMs: 5_000,
      sweepEveryMs: 500,
      engine: { ...engine, settings: { ...engine.settings, pollMs: 100, ...opts.settings, ...settings } },
    });
    workers.push(w);
    return w;
  }

  async function waitForTask(id: string, timeout = 20_000): Promise<Json> {
    let last: Json = {};
    await vi.waitFor(
      async () => {
        last = (await call('GET', `/v1/tasks/${id}`)).body;
        if (!['succeeded', 'partially_succeeded', 'failed', 'cancelled'].includes(last.status))
          throw new Error(`task is ${last.status}`);
      },
      { timeout, interval: 100 },
    );
    return last;
  }

  return {
    t,
    sim,
    call,
    worker,
    waitForTask,
    accountId: account.id as string,
    templateId: template.id as string,
    spec,
    async close() {
      for (const w of workers) await w.close();
      await t.close();
      await sim.close();
    },
  };
}

export type Scaling = Awaited<ReturnType<typeof startScaling>>;
