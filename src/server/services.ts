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
}

export function createServices(s: ServiceSettings) {
  const box = createSecretBox(s.secretKey);
  const pool = createProviderPool({ logger: s.logger, metrics: s.metrics });
  const accountsRepo = createAccountRepository(s.prisma, box);
  const providers = createAccountProviders({ prisma: s.prisma, accounts: accountsRepo, pool });
  const catalog = createCatalogCache(s.catalogTtlMs);
  const records = createInstanceRecords(s.prisma);
  const sync = createInstanceSync({ prisma: s.prisma, records, providers, ttlMs: s.inventoryTtlMs, logger: s.logger });
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
        sync,
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
    apiKeys: createApiKeyRepository(s.prisma, audit),
    accounts: createAccountService({ prisma: s.prisma, accounts: accountsRepo, providers, pool, catalog, audit }),
    templates: createTemplateService({ prisma: s.prisma, providers, catalog, box, audit }),
    instances: createInstanceService({ prisma: s.prisma, providers, records, sync, box }),
    usage: createUsage({ prisma: s.prisma, providers }),
    async close() {
      await pool.close();
    },
  };
}

export type Services = ReturnType<typeof createServices>;
