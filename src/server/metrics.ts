/**
 * Prometheus metrics: the process's registry, the metric objects the
 * engine, the worker, the budget and the API record into, and the /metrics
 * route. Each process (and each app a test builds) has its own registry;
 * `opsMetrics(registry)` makes the objects once per registry, so every
 * module that records one gets the same instance. Values that live in the
 * stores (tasks by status, queue depth, refresh lag) are read at scrape time
 * by src/server/metric-collectors.ts. docs/operations.md lists every name.
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { BudgetObserver } from '../budget/account-budget.ts';
import { ApiError } from '../domain/errors.ts';

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** Task durations run from seconds (a small expand on a fast platform) to the deadline (an hour by default). */
const TASK_SECONDS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200];
/** A budget wait is normally zero; the buckets show how far beyond it the waits go. */
const WAIT_SECONDS = [0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function build(registry: Registry) {
  const registers = [registry];
  return {
    taskDuration: new Histogram({
      name: 'cloudplane_task_duration_seconds',
      help: 'Time from a task starting to run to its end, by kind and final status (observed by the worker that ended it)',
      labelNames: ['kind', 'status'] as const,
      buckets: TASK_SECONDS,
      registers,
    }),
    taskItems: new Counter({
      name: 'cloudplane_task_items_total',
      help: 'Machines of ended tasks, by task kind and outcome (succeeded, failed, cancelled, rolled_back)',
      labelNames: ['kind', 'outcome'] as const,
      registers,
    }),
    workerJobsActive: new Gauge({
      name: 'cloudplane_worker_jobs_active',
      help: 'Jobs this worker process is running now, by job name',
      labelNames: ['job'] as const,
      registers,
    }),
    workerConcurrency: new Gauge({
      name: 'cloudplane_worker_concurrency',
      help: 'Jobs this worker process runs at most at once',
      registers,
    }),
    queueStalled: new Counter({
      name: 'cloudplane_queue_stalled_total',
      help: 'Jobs this worker found stalled (their holder stopped renewing the lock) and moved back to waiting',
      registers,
    }),
    budgetWait: new Histogram({
      name: 'cloudplane_budget_wait_seconds',
      help: "Time platform calls waited for the account's budget, by account, what they waited for (slot, rate) and call class",
      labelNames: ['account_id', 'wait', 'class'] as const,
      buckets: WAIT_SECONDS,
      registers,
    }),
    budgetRefusals: new Counter({
      name: 'cloudplane_budget_refusals_total',
      help: "Platform calls refused because the account's budget had no room within their bound, by account and call class",
      labelNames: ['account_id', 'class'] as const,
      registers,
    }),
    idempotencyReplays: new Counter({
      name: 'cloudplane_idempotency_replays_total',
      help: 'Requests answered with the stored answer of an earlier request with the same Idempotency-Key, by route',
      labelNames: ['route'] as const,
      registers,
    }),
    rateLimited: new Counter({
      name: 'cloudplane_rate_limited_total',
      help: 'Requests refused with 429 by the per-key request limit, by what the limit was keyed on (api_key, ip)',
      labelNames: ['keyed_by'] as const,
      registers,
    }),
    rateLimitSkipped: new Counter({
      name: 'cloudplane_rate_limit_skipped_total',
      help: 'Requests let through unchecked because the shared limit store (Redis) could not answer in time',
      registers,
    }),
    eventStreams: new Gauge({
      name: 'cloudplane_event_streams_open',
      help: 'Task event streams (Server-Sent Events) this API process is serving now',
      registers,
    }),
  };
}

export type OpsMetrics = ReturnType<typeof build>;

const made = new WeakMap<Registry, OpsMetrics>();

/** The metric objects of a registry, made on first use. */
export function opsMetrics(registry: Registry): OpsMetrics {
  let m = made.get(registry);
  if (!m) {
    m = build(registry);
    made.set(registry, m);
  }
  return m;
}

/** A task ended (recorded by the process that ended it, once per task). */
export function recordTaskEnd(
  registry: Registry,
  kind: string,
  status: string,
  since: Date,
  items: { succeeded: number; failed: number; cancelled: number; rolledBack: number },
) {
  const m = opsMetrics(registry);
  m.taskDuration.observe({ kind, status }, Math.max(0, Date.now() - since.getTime()) / 1000);
  const outcomes = {
    succeeded: items.succeeded,
    failed: items.failed,
    cancelled: items.cancelled,
    rolled_back: items.rolledBack,
  };
  for (const [outcome, n] of Object.entries(outcomes)) m.taskItems.inc({ kind, outcome }, n);
}

/** What the account budget (src/budget/account-budget.ts) reports into. */
export function budgetObserver(registry: Registry): BudgetObserver {
  const m = opsMetrics(registry);
  return {
    waited: ({ accountId, wait, seconds, callClass = 'engine' }) =>
      m.budgetWait.observe({ account_id: accountId, wait, class: callClass }, seconds),
    refused: ({ accountId, callClass = 'engine' }) => m.budgetRefusals.inc({ account_id: accountId, class: callClass }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The process's metric objects (see opsMetrics). */
    opsMetrics: OpsMetrics;
  }
}

export interface MetricsPluginOptions {
  registry: Registry;
  /** When set, /metrics wants `Authorization: Bearer <token>`; when unset it is open. */
  token?: string | undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Compares digests, so neither the token's length nor its content leaks through timing. */
function tokenMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  return given !== undefined && timingSafeEqual(digest(given), digest(token));
}

export const metricsPlugin = fp<MetricsPluginOptions>(
  async (app: FastifyInstance, { registry, token }) => {
    const duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Duration of HTTP requests served by the API, by route template and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    const ops = opsMetrics(registry);
    app.decorate('opsMetrics', ops);

    app.addHook('onResponse', async (req, reply) => {
      // The route template, never the raw URL: ids in paths would explode the label set.
      const route = req.routeOptions.url ?? 'unmatched';
      duration.observe({ method: req.method, route, status_code: String(reply.statusCode) }, reply.elapsedTime / 1000);
      // The idempotency plugin marks every replayed answer with this header (the draft's own signal).
      if (reply.getHeader('idempotent-replayed') === 'true') ops.idempotencyReplays.inc({ route });
    });

    app.get('/metrics', { schema: { hide: true } }, async (req, reply) => {
      if (token !== undefined && !tokenMatches(req.headers.authorization, token)) {
        throw new ApiError(
          'unauthorized',
          'send the metrics token as "Authorization: Bearer <token>"',
          {},
          { headers: { 'www-authenticate': 'Bearer realm="cloudplane-metrics"' } },
        );
      }
      reply.type(registry.contentType);
      return registry.metrics();
    });
  },
  { name: 'metrics' },
);
