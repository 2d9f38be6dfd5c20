/**
 * The composition root of the API's services: each built once from the
 * process's connections and settings, then handed to the routes.
 */
import { createHmac } from 'node:crypto';
import type { Registry } from 'prom-client';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { createAccountService } from '../api/account-service.ts';
import { createAuditLog } from '../db/audit.ts';
import { createInstanceService } from '../api/instance-service.ts';
import { createTemplateService } from '../api/template-service.ts';
import { createAccountRepository } from '../db/accounts.ts';
import { createApiKeyRepository } from '../db/api-keys.ts';
import { createSecretBox } from '../db/secret-box.ts';
import { createAccountProviders } from '../inventory/account-providers.ts';
import { createCatalogCache } from '../inventory/catalog-cache.ts';
import { createInstanceRecords } from '../inventory/instance-records.ts';
import { createInstanceSync } from '../inventory/instance-sync.ts';
import { startInstanceRefresher } from '../inventory/instance-refresher.ts';
import { createRefreshStatus } from '../inventory/refresh-status.ts';
import { createAccountBudget } from '../budget/account-budget.ts';
import { budgetObserver } from './metrics.ts';
import { createLeases } from '../db/leases.ts';
import { createUsage } from '../inventory/usage.ts';
import { createProviderPool } from '../providers/registry.ts';
import type { Redis } from '../db/redis.ts';
import { createTaskService } from '../api/task-service.ts';
import { createEventWaker } from '../api/task-event-waker.ts';
import { createEngineDeps, type EngineSettings } from '../tasks/engine-deps.ts';
import { createTaskEvents } from '../tasks/events.ts';
import type { TaskQueue } from '../tasks/queue.ts';

export interface ServiceSettings {
  prisma: PrismaClient;
  logger: Logger;
  metrics: Registry;
  secretKey: Buffer;
  inventoryTtlMs: number;
  catalogTtlMs: number;
  /** General-purpose client (limits, publishing events). */
  redis: Redis;
  /** A connection of its own for SUBSCRIBE (a subscribed connection can do nothing else). */
  subscriber: Redis;
  redisPrefix: string;
  queue: TaskQueue;
  tasks: EngineSettings & { maxCount: number };
  /** How long a POST that made a task waits for Redis to take its job. */
  enqueueTimeoutMs?: number;
  /** How long a live platform call from the API waits for the account's budget before a 503. */
  liveCallWaitMs?: number;
  /** How often the refresher reads machines in transition or watched by a task. */
  refreshHotMs?: number;
}

export function createServices(s: ServiceSettings) {
  const box = createSecretBox(s.secretKey);
  const pool = createProviderPool({ logger: s.logger, metrics: s.metrics });
  const accountsRepo = createAccountRepository(s.prisma, box);
  // Every platform call made outside the engine enters the account's budget through these Providers.
  const budget = createAccountBudget(s.redis, s.redisPrefix, s.tasks.jobLockMs, budgetObserver(s.metrics));
  const defaults = { concurrency: s.tasks.accountConcurrency, ratePerSecond: s.tasks.accountRatePerSecond };
  const providers = createAccountProviders({
    prisma: s.prisma,
    accounts: accountsRepo,
    pool,
    budget: { budget, defaults, class: 'api', waitMs: s.liveCallWaitMs ?? 250 },
  });
  const catalog = createCatalogCache(s.catalogTtlMs);
  const records = createInstanceRecords(s.prisma);
  const sync = createInstanceSync({ prisma: s.prisma, records, providers, logger: s.logger });
  const refreshStatus = createRefreshStatus(s.redis, s.redisPrefix);
  const events = createTaskEvents(s.prisma, s.redis, s.redisPrefix);
  const audit = createAuditLog(s.prisma);
  return {
    audit,
    box,
    fingerprintKey: createHmac('sha256', s.secretKey).update('cloudplane idempotency fingerprints').digest(),
    queue: s.queue,
    tasks: createTaskService({
      prisma: s.prisma,
      providers,
      queue: s.queue,
      events,
      maxCount: s.tasks.maxCount,
      logger: s.logger,
      enqueueTimeoutMs: s.enqueueTimeoutMs ?? 2_000,
      ...(s.tasks.retryDelayMs ? { retryDelayMs: s.tasks.retryDelayMs } : {}),
    }),
    waker: createEventWaker(s.subscriber, s.redisPrefix),
    /** What a worker needs to run scaling tasks. */
    engine: () =>
      createEngineDeps({
        prisma: s.prisma,
        providers,
        records,
        queue: s.queue,
        box,
        logger: s.logger,
        settings: s.tasks,
        metrics: s.metrics,
        redis: s.redis,
        redisPrefix: s.redisPrefix,
      }),
    pool,
    providers,
    records,
    sync,
    /** The worker's background refresher of the instance records (one per account across replicas). */
    startRefresher: (isStoreOutage: (err: unknown) => boolean) => {
      // The refresher's calls yield to the engine and may wait longer than a reader would.
      const background = providers.withClass('background', 5_000);
      return startInstanceRefresher({
        prisma: s.prisma,
        records,
        providers: background,
        sync: createInstanceSync({ prisma: s.prisma, records, providers: background, logger: s.logger }),
        leases: createLeases(s.redis, s.redisPrefix),
        status: refreshStatus,
        logger: s.logger,
        settings: { listEveryMs: s.inventoryTtlMs, hotEveryMs: s.refreshHotMs ?? 2_000 },
        isStoreOutage,
      });
    },
    apiKeys: createApiKeyRepository(s.prisma, audit, {
      redis: s.redis,
      subscriber: s.subscriber,
      prefix: s.redisPrefix,
    }),
    accounts: createAccountService({ prisma: s.prisma, accounts: accountsRepo, providers, pool, catalog, audit }),
    templates: createTemplateService({ prisma: s.prisma, providers, catalog, box, audit }),
    instances: createInstanceService({
      prisma: s.prisma,
      providers,
      records,
      sync,
      box,
      freshness: { status: refreshStatus, listEveryMs: s.inventoryTtlMs },
    }),
    usage: createUsage({ prisma: s.prisma, providers }),
    async close() {
      await pool.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
