/** The services a test app runs on: its Redis connections, its queue and createServices, as main.ts wires them. */
import type { PrismaClient } from '../../src/db/client.ts';
import { bullConnection, createRedis } from '../../src/db/redis.ts';
import type { Logger } from '../../src/logger.ts';
import { createMetricsRegistry } from '../../src/server/metrics.ts';
import { createServices } from '../../src/server/services.ts';
import { createQueue } from '../../src/tasks/queue.ts';
import type { Isolated } from './context.ts';

export async function startTestServices(iso: Isolated, prisma: PrismaClient, logger: Logger) {
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
  return {
    metrics,
    general,
    queue,
    services,
    async close() {
      await services.close();
      await queue.close();
      general.disconnect();
      subscriber.disconnect();
    },
  };
}
