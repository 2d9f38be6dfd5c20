/** What the scaling engine needs from the process, built once per worker. */
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import type { AccountProviders } from '../inventory/account-providers.ts';
import type { InstanceRecords } from '../inventory/instance-records.ts';
import type { InstanceSync } from '../inventory/instance-sync.ts';
import type { SecretBox } from '../db/secret-box.ts';
import type { Redis } from 'ioredis';
import { createLeases, type Leases } from '../db/leases.ts';
import type { Registry } from 'prom-client';
import { createTaskEvents, type TaskEvents } from './events.ts';
import { createAccountBudget, type AccountBudget } from '../budget/account-budget.ts';
import type { TaskQueue } from './queue.ts';
import { budgetObserver } from '../server/metrics.ts';

export interface EngineSettings {
  deadlineMs: number;
  pollMs: number;
  accountConcurrency: number;
  accountRatePerSecond: number;
  /** Create/delete calls per item before it fails for good. */
  maxAttempts: number;
  /** How long a dead worker keeps its job and its per-account call slots. */
  jobLockMs: number;
  /** Delay before a task round that failed on a store is run again. */
  retryDelayMs?: number;
}

export interface EngineDeps {
  prisma: PrismaClient;
  providers: AccountProviders;
  records: InstanceRecords;
  sync: InstanceSync;
  limits: AccountBudget;
  events: TaskEvents;
  leases: Leases;
  /** Where the engine's own metrics register (the process's registry). */
  metrics?: Registry;
  queue: TaskQueue;
  box: SecretBox;
  logger: Logger;
  settings: EngineSettings;
}

/** Builds the engine's dependencies from the process's shared pieces. */
export function createEngineDeps(
  parts: Omit<EngineDeps, 'limits' | 'events' | 'leases'> & { redis: Redis; redisPrefix: string },
): EngineDeps {
  const { redis, redisPrefix, ...rest } = parts;
  return {
    ...rest,
    limits: createAccountBudget(
      redis,
      redisPrefix,
      rest.settings.jobLockMs,
      rest.metrics ? budgetObserver(rest.metrics) : undefined,
    ),
    events: createTaskEvents(rest.prisma, redis, redisPrefix),
    leases: createLeases(redis, redisPrefix),
  };
}
