/**
 * /metrics during a real expand (in-process API and worker, the H3C
 * simulator over HTTP): every family an on-call person asks for first is
 * there, with values that match what the task is doing; and a worker
 * process serves its own metrics on its own port, behind the metrics token.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerStoreCollectors } from '../../src/server/metric-collectors.ts';
import { isolate, type Isolated } from '../support/context.ts';
import { spawnRole } from '../support/processes.ts';
import { startScaling, type Scaling } from '../support/scaling.ts';
import { samples, total } from './prometheus-text.ts';

let iso: Isolated;
let s: Scaling;

beforeAll(async () => {
  iso = await isolate();
  s = await startScaling(iso, { accountOptions: { concurrency: 2, ratePerSecond: 20 } });
  registerStoreCollectors(s.t.metrics, { prisma: s.t.prisma, queue: s.t.queue });
  // Slow creates, so the scrape below lands while the task is running.
  s.sim.engine.configure({ delays: { bootMs: 1_500 }, latency: { fixedMs: 50 } });
});
afterAll(async () => {
  await s?.close();
  await iso?.close();
});

const scrape = async () => {
  const res = await s.t.app.inject({ method: 'GET', url: '/metrics' });
  expect(res.statusCode).toBe(200);
  return res.body;
};

describe('/metrics during an expand', () => {
  it('reports the task, the queue, the worker, the platform calls, the budget and the inventory lag', async () => {
    // 1. one create refused by the platform with its own code (the item is retried, then succeeds)
    s.sim.engine.faults.add({ op: 'servers.create', kind: 'http_error', status: 503, code: '503', times: 1 });
    s.worker();
    const key = `metrics-${randomBytes(4).toString('hex')}`;
    const asked = await s.call(
      'POST',
      `/v1/templates/${s.templateId}/expand`,
      { count: 4 },
      { 'idempotency-key': key },
    );
    expect(asked.status).toBe(202);
    // 2. the same request again: a replay, counted
    const again = await s.call(
      'POST',
      `/v1/templates/${s.templateId}/expand`,
      { count: 4 },
      { 'idempotency-key': key },
    );
    expect(again.headers['idempotent-replayed']).toBe('true');

    // 3. mid-task: running, one job active in the queue and in the worker
    let mid = '';
    await vi.waitFor(
      async () => {
        mid = await scrape();
        expect(total(mid, 'cloudplane_tasks', { kind: 'expand', status: 'running' })).toBe(1);
        expect(total(mid, 'cloudplane_worker_jobs_active', { job: 'task.run' })).toBe(1);
        // the worker's creates went out (through the account's budget)
        expect(
          total(mid, 'cloudplane_provider_calls_total', { operation: 'instances.create', outcome: 'ok' }),
        ).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(total(mid, 'cloudplane_tasks', { kind: 'expand', status: 'queued' })).toBe(0);
    expect(total(mid, 'cloudplane_tasks', { kind: 'shrink', status: 'succeeded' })).toBe(0); // present, at 0
    expect(samples(mid, 'cloudplane_tasks', { kind: 'shrink', status: 'succeeded' })).toHaveLength(1);
    expect(total(mid, 'cloudplane_task_oldest_open_age_seconds', { status: 'running' })).toBeGreaterThan(0);
    expect(total(mid, 'cloudplane_queue_jobs', { state: 'active' })).toBe(1);
    expect(total(mid, 'cloudplane_worker_concurrency')).toBe(8);
    expect(total(mid, 'cloudplane_metrics_source_up', { source: 'postgres' })).toBe(1);
    expect(total(mid, 'cloudplane_metrics_source_up', { source: 'redis' })).toBe(1);
    // Every platform call waited for the account's budget (a slot and the rate), even if for 0 s.
    expect(
      total(mid, 'cloudplane_budget_wait_seconds_count', { account_id: s.accountId, wait: 'slot' }),
    ).toBeGreaterThan(0);
    expect(
      total(mid, 'cloudplane_budget_wait_seconds_count', { account_id: s.accountId, wait: 'rate' }),
    ).toBeGreaterThan(0);
    const lag = samples(mid, 'cloudplane_inventory_refresh_lag_seconds', { account_id: s.accountId });
    expect(lag).toHaveLength(1);
    expect(lag[0]!.labels.provider).toBe('h3c-cloudos');
    expect(lag[0]!.value).toBeGreaterThanOrEqual(0);
    expect(lag[0]!.value).toBeLessThan(600);
    expect(total(mid, 'cloudplane_idempotency_replays_total', { route: '/v1/templates/:id/expand' })).toBe(1);
    // Process and event-loop metrics (prom-client's defaults).
    expect(total(mid, 'nodejs_eventloop_lag_seconds')).toBeGreaterThan(0);
    expect(total(mid, 'process_resident_memory_bytes')).toBeGreaterThan(0);

    // 4. after the task: its duration and items, the refused create by its code
    await s.waitForTask(asked.body.id);
    const after = await scrape();
    expect(total(after, 'cloudplane_tasks', { kind: 'expand', status: 'succeeded' })).toBe(1);
    expect(total(after, 'cloudplane_tasks', { kind: 'expand', status: 'running' })).toBe(0);
    expect(total(after, 'cloudplane_worker_jobs_active', { job: 'task.run' })).toBe(0);
    expect(total(after, 'cloudplane_task_duration_seconds_count', { kind: 'expand', status: 'succeeded' })).toBe(1);
    const took = total(after, 'cloudplane_task_duration_seconds_sum', { kind: 'expand', status: 'succeeded' });
    expect(took).toBeGreaterThan(1); // the machines took 1.5 s to boot
    expect(took).toBeLessThan(60);
    expect(total(after, 'cloudplane_task_items_total', { kind: 'expand', outcome: 'succeeded' })).toBe(4);
    expect(total(after, 'cloudplane_task_items_total', { kind: 'expand', outcome: 'failed' })).toBe(0);
    const refused = samples(after, 'cloudplane_provider_calls_total', {
      provider: 'h3c-cloudos',
      operation: 'instances.create',
      code: '503',
    });
    expect(refused.reduce((a, x) => a + x.value, 0)).toBe(1);
    expect(refused[0]!.labels.outcome).not.toBe('ok');

    // 5. the Grafana dashboard uses only names this registry exposes
    const dashboard = readFileSync(new URL('../../ops/grafana/cloudplane.json', import.meta.url), 'utf8');
    const used = new Set(
      [...dashboard.matchAll(/\b((?:cloudplane|provider|http|nodejs|process)_[a-z0-9_]+)/g)].map((m) =>
        m[1]!.replace(/_(bucket|count|sum)$/, ''),
      ),
    );
    expect(used.size).toBeGreaterThan(15);
    for (const name of used) expect(after, name).toContain(`# HELP ${name} `);
  });

  it('keeps answering when a store cannot be read, and says which', async () => {
    const { createPrisma } = await import('../../src/db/client.ts');
    const { createMetricsRegistry } = await import('../../src/server/metrics.ts');
    const registry = createMetricsRegistry();
    // A database nobody listens on, and a queue whose counts never come.
    const prisma = createPrisma({ databaseUrl: 'postgresql://postgres@127.0.0.1:1/none', poolSize: 1 });
    registerStoreCollectors(registry, { prisma, queue: { queue: { getJobCounts: () => new Promise(() => {}) } } });
    const started = Date.now();
    const text = await registry.metrics();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(total(text, 'cloudplane_metrics_source_up', { source: 'postgres' })).toBe(0);
    expect(total(text, 'cloudplane_metrics_source_up', { source: 'redis' })).toBe(0);
    expect(samples(text, 'cloudplane_tasks')).toHaveLength(0);
    expect(total(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    await prisma.$disconnect();
  });
});

describe('a worker process', () => {
  it('serves its own /metrics on its own port, behind the metrics token', async () => {
    const token = randomBytes(16).toString('hex');
    const worker = spawnRole('worker', {
      DATABASE_URL: iso.config.databaseUrl,
      REDIS_URL: iso.config.redisUrl,
      CLOUDPLANE_REDIS_PREFIX: iso.config.redisPrefix,
      CLOUDPLANE_SECRET_KEY: iso.config.secretKey.toString('hex'),
      CLOUDPLANE_METRICS_TOKEN: token,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
    });
    let url = '';
    await vi.waitFor(
      () => {
        const m = /"url":"(http:\/\/[^"]+\/metrics)"/.exec(worker.output());
        if (!m) throw new Error('no metrics listener yet');
        url = m[1]!;
      },
      { timeout: 30_000, interval: 100 },
    );
    const open = await request(url);
    expect(open.statusCode).toBe(401);
    expect(await open.body.json()).toMatchObject({ type: '/problems/unauthorized' });
    const wrong = await request(url, { headers: { authorization: `Bearer ${token}x` } });
    expect(wrong.statusCode).toBe(401);
    await wrong.body.dump();
    const res = await request(url, { headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(200);
    const text = await res.body.text();
    expect(total(text, 'cloudplane_worker_concurrency')).toBe(16);
    expect(samples(text, 'cloudplane_tasks', { kind: 'expand', status: 'succeeded' })).toHaveLength(1);
    expect(total(text, 'process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(text).not.toContain(token);

    worker.child.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
