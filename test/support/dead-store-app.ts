/**
 * The real app over a PostgreSQL that does not answer (a closed port), with the test's Redis:
 * every authenticated request reaches the database first, so each answers as a store outage does.
 */
import { createPrisma } from '../../src/db/client.ts';
import { bullConnection, createRedis } from '../../src/db/redis.ts';
import { createLogger } from '../../src/logger.ts';
import { buildApp } from '../../src/server/app.ts';
import { createMetricsRegistry } from '../../src/server/metrics.ts';
import { createServices } from '../../src/server/services.ts';
import { createQueue } from '../../src/tasks/queue.ts';
import type { Isolated } from './context.ts';
import { freePort } from './private-stores.ts';

export async function startDeadStoreApp(iso: Isolated) {
  const prisma = createPrisma({ databaseUrl: `postgresql://postgres@127.0.0.1:${await freePort()}/gone`, poolSize: 1 });
  const logger = createLogger('silent');
  const metrics = createMetricsRegistry();
  const general = createRedis(iso.config.redisUrl, { enableOfflineQueue: true });
  const subscriber = createRedis(iso.config.redisUrl, { enableOfflineQueue: true });
  await Promise.all([general.connect(), subscriber.connect()]);
  const queue = createQueue({ connection: bullConnection(iso.config.redisUrl), prefix: iso.config.redisPrefix });
  const services = createServices({
    prisma,
    logger,
    metrics,
    secretKey: iso.config.secretKey,
    inventoryTtlMs: iso.config.inventoryTtlMs,
    catalogTtlMs: iso.config.catalogTtlMs,
    redis: general,
    subscriber,
    redisPrefix: iso.config.redisPrefix,
    queue,
    tasks: { ...iso.config.tasks, maxAttempts: 5 },
  });
  const app = await buildApp({
    logger,
    bodyLimitBytes: iso.config.bodyLimitBytes,
    prisma,
    services,
    fingerprintKey: services.fingerprintKey,
    metrics,
    readiness: { postgres: () => prisma.$queryRaw`SELECT 1` },
  });
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await services.close();
      await queue.close();
      general.disconnect();
      subscriber.disconnect();
      await prisma.$disconnect();
    },
  };
}

export type DeadStoreApp = Awaited<ReturnType<typeof startDeadStoreApp>>;
